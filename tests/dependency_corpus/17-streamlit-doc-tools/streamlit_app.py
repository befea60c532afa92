"""Document tools: preview PDFs, extract text from Word/PowerPoint, summarise with an LLM."""

import io
from concurrent.futures import ThreadPoolExecutor

import fitz
import git
import streamlit as st
from docx import Document
from openai import OpenAI
from PIL import Image
from pptx import Presentation

st.set_page_config(page_title="Document tools", layout="wide")
try:
    revision = git.Repo(search_parent_directories=True).head.commit.hexsha[:8]
except (git.InvalidGitRepositoryError, git.NoSuchPathError):
    revision = "unknown"
st.sidebar.caption(f"build {revision}")


def pdf_pages(data: bytes, zoom: float = 1.5) -> list[Image.Image]:
    with fitz.open(stream=data, filetype="pdf") as pdf:
        pixmaps = [page.get_pixmap(matrix=fitz.Matrix(zoom, zoom)) for page in pdf]
    return [Image.frombytes("RGB", (pm.width, pm.height), pm.samples) for pm in pixmaps]


def docx_text(data: bytes) -> str:
    return "\n".join(paragraph.text for paragraph in Document(io.BytesIO(data)).paragraphs)


def pptx_text(data: bytes) -> str:
    slides = Presentation(io.BytesIO(data)).slides
    return "\n\n".join(
        "\n".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame) for slide in slides
    )


def extract(name: str, data: bytes) -> str:
    if name.endswith(".pdf"):
        with fitz.open(stream=data, filetype="pdf") as pdf:
            return "".join(page.get_text() for page in pdf)
    return docx_text(data) if name.endswith(".docx") else pptx_text(data)


uploads = st.file_uploader("Documents", type=["pdf", "docx", "pptx"], accept_multiple_files=True) or []
for upload in uploads:
    if upload.name.endswith(".pdf"):
        st.image(pdf_pages(upload.getvalue())[:4], width=220, caption=upload.name)
names = [upload.name for upload in uploads]
with ThreadPoolExecutor(max_workers=4) as pool:
    texts = dict(zip(names, pool.map(extract, names, [upload.getvalue() for upload in uploads])))

if texts and st.button("Summarise"):
    client = OpenAI()
    for name, text in texts.items():
        reply = client.chat.completions.create(
            model="gpt-4o-mini",
            messages=[{"role": "user", "content": f"Summarise in five bullet points:\n\n{text[:12000]}"}],
        )
        st.subheader(name)
        st.markdown(reply.choices[0].message.content)
