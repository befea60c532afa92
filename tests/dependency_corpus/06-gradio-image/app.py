"""Image toolbox: edge detection, contrast equalisation and an optional caption."""

import functools

import cv2
import gradio as gr
import numpy as np
from PIL import Image, ImageOps
from skimage import exposure, filters


def to_array(image: Image.Image) -> np.ndarray:
    return np.asarray(ImageOps.exif_transpose(image).convert("RGB"))


def detect_edges(image: Image.Image, low: int, high: int) -> Image.Image:
    gray = cv2.cvtColor(to_array(image), cv2.COLOR_RGB2GRAY)
    edges = cv2.Canny(cv2.GaussianBlur(gray, (5, 5), 0), low, high)
    return Image.fromarray(edges)


def equalise(image: Image.Image, clip: float) -> Image.Image:
    rgb = to_array(image) / 255.0
    out = exposure.equalize_adapthist(rgb, clip_limit=clip)
    smoothed = filters.gaussian(out, sigma=0.5, channel_axis=-1)
    return Image.fromarray((smoothed * 255).astype(np.uint8))


@functools.lru_cache(maxsize=1)
def _captioner():
    from transformers import pipeline  # heavy: loaded on first use only

    return pipeline("image-to-text", model="Salesforce/blip-image-captioning-base")


def caption(image: Image.Image) -> str:
    return _captioner()(image)[0]["generated_text"]


with gr.Blocks(title="Image toolbox") as demo:
    source = gr.Image(type="pil", label="Input")
    with gr.Tab("Edges"):
        low = gr.Slider(0, 255, value=50, label="Low threshold")
        high = gr.Slider(0, 255, value=150, label="High threshold")
        gr.Button("Detect").click(detect_edges, [source, low, high], gr.Image(label="Edges"))
    with gr.Tab("Contrast"):
        clip = gr.Slider(0.001, 0.1, value=0.03, label="Clip limit")
        gr.Button("Equalise").click(equalise, [source, clip], gr.Image(label="Equalised"))
    with gr.Tab("Caption"):
        gr.Button("Describe").click(caption, source, gr.Textbox(label="Caption"))

if __name__ == "__main__":
    demo.launch()
