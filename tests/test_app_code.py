"""Reading app code without running it: bindings, module lookup, framework classification, notebooks,
and parsing for the app's Python version. In-process units; the CLI behaviour is in test_entrypoints."""

from __future__ import annotations

import ast
import contextlib
import json
import sys
import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from manifest_guard.readers.appmodules import AppModules
from manifest_guard.readers.bindings import BindingKind, module_facts
from manifest_guard.readers.entrypoint_forms import Malformed, parse_entrypoint
from manifest_guard.readers.frameworks import Classifier, Protocol, known_constructor
from manifest_guard.readers.notebooks import notebook_problem
from manifest_guard.readers.pysource import SyntaxProblem, Unjudged, parse_source


def facts_of(source: str):  # type: ignore[no-untyped-def]
    return module_facts(ast.parse(textwrap.dedent(source)))


@pytest.mark.parametrize(
    ("source", "name", "kind"),
    [
        ("app = 1", "app", BindingKind.VALUE),
        ("a = app = f()", "app", BindingKind.VALUE),
        ("app, db = f()", "app", BindingKind.OTHER),
        ("app, db = F(), None", "app", BindingKind.VALUE),
        ("(app, *rest) = 1, 2, 3", "app", BindingKind.OTHER),
        ("app: int = 1", "app", BindingKind.VALUE),
        ("def app(): pass", "app", BindingKind.FUNCTION),
        ("async def app(scope, receive, send): pass", "app", BindingKind.FUNCTION),
        ("class app: pass", "app", BindingKind.CLASS),
        ("import flask as app", "app", BindingKind.IMPORT),
        ("from x import y as app", "app", BindingKind.IMPORT),
        ("import app.sub", "app", BindingKind.IMPORT),
        ("if X:\n    app = 1\nelse:\n    pass", "app", BindingKind.VALUE),
        ("if X:\n    pass\nelif Y:\n    app = 1", "app", BindingKind.VALUE),
        ("try:\n    from a import app\nexcept ImportError:\n    app = None", "app", BindingKind.IMPORT),
        ("try:\n    pass\nexcept E as app:\n    pass", "app", BindingKind.OTHER),
        ("try:\n    pass\nfinally:\n    app = 1", "app", BindingKind.VALUE),
        ("with gr.Blocks() as app:\n    pass", "app", BindingKind.CONTEXT),
        ("with open(f) as fh:\n    app = 1", "app", BindingKind.VALUE),
        ("for app in range(3):\n    pass", "app", BindingKind.OTHER),
        ("while False:\n    app = 1", "app", BindingKind.VALUE),
        ("print(app := 3)", "app", BindingKind.OTHER),
        ("[y for y in (app := [1])]", "app", BindingKind.OTHER),
        ("def setup():\n    global app\n    app = 1", "app", BindingKind.OTHER),
    ],
)
def test_module_level_bindings(source: str, name: str, kind: BindingKind) -> None:
    facts = facts_of(source)
    assert facts.bindings[name][0].kind is kind


@pytest.mark.parametrize(
    "source",
    [
        "app: int",  # a bare annotation binds nothing
        "def f():\n    app = 1",
        "class C:\n    app = 1",
        "lambda: (app := 1)",
        "if __name__ == '__main__':\n    app = 1",
        "if '__main__' == __name__:\n    app = 1",
        "app.x = 1",
        "x[app] = 1",
        "del app",
    ],
)
def test_not_module_level_bindings(source: str) -> None:
    assert "app" not in facts_of(source).bindings


@pytest.mark.skipif(sys.version_info < (3, 10), reason="match needs Python 3.10")
def test_match_captures_bind() -> None:
    facts = facts_of("match x:\n    case [app, *rest]:\n        pass\n    case {'k': v, **others}:\n        pass")
    assert {"app", "rest", "v", "others"} <= set(facts.bindings)


def test_main_guard_names_are_remembered_but_not_bound() -> None:
    facts = facts_of("if __name__ == '__main__':\n    app = 1\nelse:\n    other = 2")
    assert facts.main_only == {"app": 2}
    assert "other" in facts.bindings


@pytest.mark.parametrize(
    "source",
    ["def __getattr__(name):\n    return 1", "globals()['app'] = 1", "vars()['app'] = 1", "exec('app = 1')",
     "import sys\nsetattr(sys.modules[__name__], 'app', 1)"],
)  # fmt: skip
def test_dynamic_modules(source: str) -> None:
    assert facts_of(source).dynamic


def test_vars_of_an_object_is_not_dynamic() -> None:
    assert not facts_of("x = vars(obj)").dynamic


def test_aliases_star_imports_and_all() -> None:
    facts = facts_of(
        """
        import gradio as gr
        import os.path
        from fastapi import FastAPI as F
        from .local import thing
        from helpers import *
        __all__ = ["app", "thing"]
        """
    )
    assert facts.aliases == {"gr": "gradio", "os": "os", "F": "fastapi.FastAPI"}
    assert [(star.module, star.level) for star in facts.star_imports] == [("helpers", 0)]
    assert facts.dunder_all == ("app", "thing")
    assert facts.imported_roots == {"gradio", "os", "fastapi", "helpers"}


def test_conflicting_aliases_are_dropped() -> None:
    facts = facts_of("try:\n    import ujson as json\nexcept ImportError:\n    import json")
    assert "json" not in facts.aliases


# --- module lookup -------------------------------------------------------------------------------


def modules(files: dict[str, str]) -> AppModules:
    return AppModules(files, lambda path: files[path].encode(), "3.11.4")


@pytest.mark.parametrize(
    ("files", "name", "path", "parents"),
    [
        ({"app.py": ""}, "app", "app.py", ()),
        ({"app/__init__.py": "", "app.py": ""}, "app", "app/__init__.py", ()),  # the package wins
        ({"pkg/__init__.py": "", "pkg/mod.py": ""}, "pkg.mod", "pkg/mod.py", ("pkg/__init__.py",)),
        ({"ns/mod.py": ""}, "ns.mod", "ns/mod.py", ()),  # namespace package
        ({"ns/mod.py": ""}, "ns", None, ()),
        ({"fast.cpython-311-x86_64-linux-gnu.so": ""}, "fast", None, ()),
        ({"old.pyc": ""}, "old", None, ()),
    ],
)
def test_module_lookup(files: dict[str, str], name: str, path: str | None, parents: tuple[str, ...]) -> None:
    found = modules(files).find(name)
    assert found is not None and found.path == path and found.parents == parents


@pytest.mark.parametrize(
    ("files", "name"),
    [
        ({"App.py": ""}, "app"),  # case-sensitive like Connect's file system
        ({"app.py": ""}, "app.sub"),  # a module has no submodules
        ({"pkg/__init__.py": ""}, "pkg.missing"),
        ({"app.txt": ""}, "app"),
        ({"app.py": ""}, "my-app"),
    ],
)
def test_module_not_found(files: dict[str, str], name: str) -> None:
    assert modules(files).find(name) is None


def test_relative_import_bases() -> None:
    app = modules({"pkg/__init__.py": "", "pkg/sub/__init__.py": "", "pkg/sub/mod.py": ""})
    mod = app.find("pkg.sub.mod")
    init = app.find("pkg.sub")
    assert mod is not None and init is not None
    assert app.absolute(mod, "x", 1) == "pkg.sub.x"
    assert app.absolute(init, "x", 1) == "pkg.sub.x"
    assert app.absolute(mod, "", 2) == "pkg"
    assert app.absolute(mod, "x", 4) is None


# --- framework classification -------------------------------------------------------------------


def kind_of(files: dict[str, str], module: str, name: str) -> tuple[str, Protocol] | None:
    app = modules({name_: textwrap.dedent(text) for name_, text in files.items()})
    found = app.find(module)
    assert found is not None
    kind = Classifier(app).object_kind(found, name.split("."))
    return None if kind is None else (kind.framework, kind.protocol)


@pytest.mark.parametrize(
    ("source", "name", "expected"),
    [
        ("from flask import Flask\napp = Flask(__name__)", "app", ("Flask", Protocol.WSGI)),
        ("import flask\napp = flask.Flask(__name__)", "app", ("Flask", Protocol.WSGI)),
        ("from flask.app import Flask\napp = Flask(__name__)", "app", ("Flask", Protocol.WSGI)),
        ("import fastapi as fa\napi = fa.FastAPI()\napp = api", "app", ("FastAPI", Protocol.ASGI)),
        ("from falcon import asgi\napp = asgi.App()", "app", ("Falcon ASGI", Protocol.ASGI)),
        ("import falcon\napp = falcon.App()", "app", ("Falcon", Protocol.WSGI)),
        ("import dash\napp = dash.Dash(__name__)\nserver = app.server", "server", ("Flask (a Dash app's server)", Protocol.WSGI)),  # noqa: E501
        ("import dash\napp = dash.Dash(__name__)", "app.server", ("Flask (a Dash app's server)", Protocol.WSGI)),
        ("import gradio as gr\nwith gr.Blocks() as demo:\n    pass", "demo", ("Gradio", Protocol.GRADIO)),
        ("from shiny import App\napp = App(ui, server)", "app", ("Shiny", Protocol.SHINY)),
        ("from flask import Flask\ndef create_app():\n    app = Flask(__name__)\n    return app", "create_app", ("Flask", Protocol.WSGI)),  # noqa: E501
        ("def create_app():\n    from flask import Flask\n    return Flask(__name__)", "create_app", ("Flask", Protocol.WSGI)),  # noqa: E501
        ("from flask import Flask\ndef make():\n    return Flask(__name__)\napp = make()", "app", ("Flask", Protocol.WSGI)),  # noqa: E501
        ("from flask import Flask\nclass My(Flask):\n    pass\napp = My(__name__)", "app", ("Flask", Protocol.WSGI)),
        ("from flask import Flask\nclass My(Mixin, Flask):\n    pass\napp = My(__name__)", "app", ("Flask", Protocol.WSGI)),  # noqa: E501
        ("from fastapi import FastAPI\nimport gradio as gr\napp = gr.mount_gradio_app(FastAPI(), demo, '/')", "app", ("FastAPI", Protocol.ASGI)),  # noqa: E501
        ("from flask import Blueprint\nbp = Blueprint('b', __name__)", "bp", ("Flask Blueprint", Protocol.COMPONENT)),
        ("from django.core.wsgi import get_wsgi_application\napplication = get_wsgi_application()", "application", ("Django", Protocol.WSGI)),  # noqa: E501
    ],
)  # fmt: skip
def test_classified(source: str, name: str, expected: tuple[str, Protocol]) -> None:
    assert kind_of({"app.py": source}, "app", name) == expected


@pytest.mark.parametrize(
    ("source", "name"),
    [
        ("from flask import Flask\nfrom asgiref.wsgi import WsgiToAsgi\napp = WsgiToAsgi(Flask(__name__))", "app"),
        ("from flask import Flask\napp = Flask(__name__)\napp = Middleware(app)", "app"),
        ("from flask import Flask\nfrom fastapi import FastAPI\nif X:\n    app = Flask(__name__)\nelse:\n    app = FastAPI()", "app"),  # noqa: E501
        ("def app(environ, start_response):\n    return [b'']", "app"),
        ("async def create_app():\n    from fastapi import FastAPI\n    return FastAPI()", "create_app"),
        ("import mylib\napp = mylib.make()", "app"),
        ("Flask = object\napp = Flask()", "app"),
        ("x = x\napp = x", "app"),
        ("from flask import Flask\nfrom fastapi import FastAPI\nclass C(Flask, FastAPI): pass\napp = C()", "app"),
    ],
)  # fmt: skip
def test_unknown_stays_unknown(source: str, name: str) -> None:
    assert kind_of({"app.py": source}, "app", name) is None


def test_classification_follows_reexports_and_factories_across_modules() -> None:
    files = {
        "pkg/__init__.py": "from .factory import create_app\napp = create_app()\n",
        "pkg/factory.py": "from quart import Quart\n\ndef create_app():\n    return Quart(__name__)\n",
        "wsgi.py": "from pkg import app\n",
    }
    assert kind_of(files, "wsgi", "app") == ("Quart", Protocol.ASGI)


def test_import_cycles_end() -> None:
    files = {"a.py": "from b import app\n", "b.py": "from a import app\n"}
    assert kind_of(files, "a", "app") is None


def test_known_constructor_names() -> None:
    assert known_constructor("fastapi.applications.FastAPI") == "fastapi.FastAPI"
    assert known_constructor("falcon.app.App") is None  # falcon.App and falcon.asgi.App: ambiguous
    assert known_constructor("mypkg.Flask") is None


# --- entrypoint forms ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("appmode", "entrypoint", "module", "file", "object_path"),
    [
        ("python-api", "app", "app", None, ()),
        ("python-api", "app:app", "app", None, ("app",)),
        ("python-api", "pkg.mod:obj.attr", "pkg.mod", None, ("obj", "attr")),
        ("python-api", "app.py", "app", "app.py", ()),
        ("python-api", "sub/app.py", "sub.app", "sub/app.py", ()),
        ("python-streamlit", "my-app.py", None, "my-app.py", ()),
        ("python-streamlit", "dashboard_app", "dashboard_app", None, ()),
        ("jupyter-static", "nb.ipynb", None, "nb.ipynb", ()),
        ("python-shiny", "shiny.express.app:my_2d_app_2e_py", None, "my-app.py", ()),
    ],
)
def test_entrypoint_forms(appmode: str, entrypoint: str, module: str | None, file: str | None,
                          object_path: tuple[str, ...]) -> None:  # fmt: skip
    target = parse_entrypoint(appmode, entrypoint)
    assert (target.module, target.file, target.object_path) == (module, file, object_path)


@pytest.mark.parametrize(
    ("appmode", "entrypoint"),
    [
        ("python-api", "a:b:c"), ("python-api", ":app"), ("python-api", "app:"), ("python-api", "my-app"),
        ("python-api", "app:app()"), ("python-api", "1app"), ("python-api", "a..b"), ("python-api", "../app.py"),
        ("python-api", "my-app.py"), ("python-streamlit", "app:app"), ("jupyter-static", "nb.py"),
        ("jupyter-voila", "x"), ("python-shiny", "shiny.express.app:app.py"), ("python-shiny", "shiny.express.app:"),
        ("python-shiny", "shiny.express.app:_110000_"), ("python-api", "shiny.express.app:app_2e_py"),
        ("python-api", ""),
    ],
)  # fmt: skip
def test_malformed_entrypoints(appmode: str, entrypoint: str) -> None:
    with pytest.raises(Malformed):
        parse_entrypoint(appmode, entrypoint)


@given(st.text(max_size=40), st.sampled_from(["python-api", "python-streamlit", "python-shiny", "jupyter-voila"]))
@settings(max_examples=300, deadline=None)
def test_entrypoint_parsing_never_raises_anything_else(entrypoint: str, appmode: str) -> None:
    with contextlib.suppress(Malformed):
        parse_entrypoint(appmode, entrypoint)


# --- notebooks ----------------------------------------------------------------------------------

GOOD_NOTEBOOK = {"nbformat": 4, "nbformat_minor": 5, "metadata": {},
                 "cells": [{"cell_type": "code", "source": ["%matplotlib inline\n", "x = ("], "metadata": {},
                            "outputs": [], "execution_count": None}]}  # fmt: skip


def test_a_notebook_with_magics_and_broken_code_is_fine() -> None:
    assert notebook_problem(json.dumps(GOOD_NOTEBOOK, indent=1).encode()) is None


@pytest.mark.parametrize(
    ("data", "line", "words"),
    [
        (b'{"nbformat": 4,\n "cells": [\n', 3, "invalid JSON"),
        (b"\xef\xbb\xbf{}", 1, "byte order mark"),
        (b'{"nbformat": 4,\n "cells": "\xff"}', 2, "not valid UTF-8"),
        (b'{\n "nbformat": 3,\n "cells": []\n}', 2, "nbformat is 3"),
        (b'{\n "cells": []\n}', 1, "nbformat is missing"),
        (b'{\n "nbformat": 4\n}', 1, "'cells' is missing"),
        (b'{\n "nbformat": 4,\n "cells": [\n  {"cell_type": "python", "source": ""}\n ]\n}', 4, "cell 1 has cell_type"),
        (b'{\n "nbformat": 4,\n "cells": [\n  {"cell_type": "code",\n   "source": 3}\n ]\n}', 5, "source"),
        (b"[]", 1, "not a JSON object"),
        (b'{"nbformat": true, "cells": []}', 1, "nbformat is true"),
    ],
)  # fmt: skip
def test_notebook_problems(data: bytes, line: int, words: str) -> None:
    problem = notebook_problem(data)
    assert problem is not None and problem.line == line and words in problem.message


@given(st.binary(max_size=200))
@settings(max_examples=300, deadline=None)
def test_notebook_check_never_raises(data: bytes) -> None:
    notebook_problem(data)


# --- parsing for the app's Python ---------------------------------------------------------------


def test_syntax_error_position() -> None:
    problem = parse_source(b"x = 1\ndef f(:\n    pass\n")
    assert isinstance(problem, SyntaxProblem) and problem.line == 2 and problem.column is not None


def test_nul_byte_is_a_syntax_problem() -> None:
    problem = parse_source(b"x = 1\ny = '\0'\n")
    assert isinstance(problem, SyntaxProblem) and problem.line == 2


def test_newer_grammar_is_not_judged() -> None:
    newer = f"3.{sys.version_info[1] + 1}.0"
    assert isinstance(parse_source(b"def (:\n", newer), Unjudged)
    assert isinstance(parse_source(b"def (:\n", "3.9.1"), SyntaxProblem)


def test_older_grammar_is_applied() -> None:
    walrus_in_comprehension_index = b"match = 1\nprint(match)\n"
    assert isinstance(parse_source(walrus_in_comprehension_index, "3.8.10"), ast.Module)
    assert isinstance(parse_source(b"x = (y := 1)\n", "3.7.9"), SyntaxProblem)


def test_encoding_cookie_and_bom_are_honoured() -> None:
    assert isinstance(parse_source(b"# -*- coding: latin-1 -*-\nname = '\xe9'\n"), ast.Module)
    assert isinstance(parse_source(b"\xef\xbb\xbfx = 1\n"), ast.Module)


def test_deep_nesting_does_not_crash() -> None:
    result = parse_source(b"x = " + b"(" * 5000 + b"1" + b")" * 5000 + b"\n")
    assert isinstance(result, SyntaxProblem)


def test_huge_files_are_not_parsed() -> None:
    assert isinstance(parse_source(b"#" * (11 * 1024 * 1024)), Unjudged)
