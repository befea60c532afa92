# An R Shiny app deployed to Posit Connect from git. Its manifest lists the packages of renv.lock; when the
# lockfile changes, `manifest-guard check` reports it and `manifest-guard fix` rewrites them.
library(shiny)
source("R/format.R")

ui <- fluidPage(
  tags$link(rel = "stylesheet", href = "style.css"),
  titlePanel("Loan payments"),
  numericInput("principal", "Principal", 200000, min = 0),
  sliderInput("rate", "Yearly rate (%)", 0.5, 10, 4.5, step = 0.1),
  sliderInput("years", "Years", 5, 40, 25),
  textOutput("payment")
)

server <- function(input, output) {
  output$payment <- renderText({
    monthly <- input$rate / 1200
    n <- input$years * 12
    format_money(input$principal * monthly / (1 - (1 + monthly)^-n))
  })
}

shinyApp(ui, server)
