"""Phone-photo document scanner: find the page, flatten it, threshold it, export a PDF."""

import io

import cv2
import fitz
import imutils
import numpy as np
import streamlit as st
from imutils.perspective import four_point_transform
from PIL import Image
from skimage.filters import threshold_local

st.title("Document scanner")
photos = st.file_uploader("Photos of pages", type=["jpg", "jpeg", "png"], accept_multiple_files=True)
block = st.slider("Threshold block size", 11, 51, 25, step=2)


def scan(data: bytes) -> np.ndarray:
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    ratio = image.shape[0] / 500.0
    small = imutils.resize(image, height=500)
    edges = cv2.Canny(cv2.GaussianBlur(cv2.cvtColor(small, cv2.COLOR_BGR2GRAY), (5, 5), 0), 75, 200)
    contours = imutils.grab_contours(cv2.findContours(edges, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE))
    for contour in sorted(contours, key=cv2.contourArea, reverse=True)[:5]:
        approx = cv2.approxPolyDP(contour, 0.02 * cv2.arcLength(contour, True), True)
        if len(approx) == 4:
            image = four_point_transform(image, approx.reshape(4, 2) * ratio)
            break
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    return ((gray > threshold_local(gray, block, offset=10, method="gaussian")) * 255).astype(np.uint8)


if photos:
    pages = [scan(photo.getvalue()) for photo in photos]
    st.image(pages, width=240)
    pdf = fitz.open()
    for page in pages:
        png = io.BytesIO()
        Image.fromarray(page).save(png, format="PNG")
        pdf_page = pdf.new_page(width=595, height=842)
        pdf_page.insert_image(pdf_page.rect, stream=png.getvalue())
    st.download_button("Download PDF", pdf.tobytes(), "scan.pdf", mime="application/pdf")
