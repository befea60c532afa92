from dash import html


def kpi_card(label: str, value) -> html.Div:
    return html.Div([html.Div(label, className="kpi-label"), html.Div(str(value), className="kpi-value")])
