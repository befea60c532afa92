format_money <- function(x) paste0("$", formatC(x, format = "f", digits = 2, big.mark = ","), " a month")
