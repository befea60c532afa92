"""Release notes dashboard: commits per tag from the repository plus the rendered changelog."""

import importlib
import os

import git
import pkg_resources
from bs4 import BeautifulSoup
from dash import Dash, Input, Output, dash_table, dcc, html
from dotenv import load_dotenv

load_dotenv()
REPO = git.Repo(os.environ.get("REPO_PATH", "."), search_parent_directories=True)
TAGS = sorted(REPO.tags, key=lambda tag: tag.commit.committed_datetime, reverse=True)


def changelog_html(path: str = "CHANGELOG.md") -> str:
    markdown = importlib.import_module("markdown")
    with open(path, encoding="utf-8") as fh:
        return markdown.markdown(fh.read(), extensions=["toc"])


def section_for(tag_name: str) -> str:
    soup = BeautifulSoup(changelog_html(), "html.parser")
    heading = soup.find(lambda tag: tag.name in {"h2", "h3"} and tag_name in tag.get_text())
    if heading is None:
        return "No changelog entry."
    parts = []
    for sibling in heading.find_next_siblings():
        if sibling.name in {"h2", "h3"}:
            break
        parts.append(sibling.get_text(" ", strip=True))
    return "\n\n".join(parts)


def commits_between(newer, older) -> list[dict]:
    rev = f"{older.name}..{newer.name}" if older else newer.name
    return [
        {"sha": c.hexsha[:8], "author": c.author.name, "date": f"{c.committed_datetime:%Y-%m-%d}", "summary": c.summary}
        for c in REPO.iter_commits(rev, max_count=200)
    ]


app = Dash(__name__, title="Release notes")
server = app.server
app.layout = html.Div(
    [
        html.H2("Release notes"),
        html.Small(f"dash {pkg_resources.get_distribution('dash').version}"),
        dcc.Dropdown([tag.name for tag in TAGS], value=TAGS[0].name if TAGS else None, id="tag"),
        dcc.Markdown(id="notes"),
        dash_table.DataTable(id="commits", page_size=20, style_cell={"textAlign": "left"}),
    ]
)


@app.callback(Output("notes", "children"), Output("commits", "data"), Input("tag", "value"))
def show(tag_name):
    index = next(i for i, tag in enumerate(TAGS) if tag.name == tag_name)
    older = TAGS[index + 1] if index + 1 < len(TAGS) else None
    return section_for(tag_name), commits_between(TAGS[index], older)
