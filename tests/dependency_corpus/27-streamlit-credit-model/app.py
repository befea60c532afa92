"""Credit risk model explorer: train, evaluate and explain an XGBoost classifier."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import shap
import streamlit as st
from mpl_toolkits.axes_grid1 import make_axes_locatable
from sklearn.metrics import confusion_matrix, roc_auc_score

from model import train_model

st.set_page_config(page_title="Credit risk model", layout="wide")
st.title("Credit risk model")

loans = pd.read_csv("loans.csv")
depth = st.sidebar.slider("Max depth", 2, 10, 4)
rounds = st.sidebar.slider("Boosting rounds", 50, 500, 200, step=50)
fitted, X_test, y_test = train_model(loans, max_depth=depth, n_estimators=rounds)

scores = fitted.predict_proba(X_test)[:, 1]
threshold = st.sidebar.slider("Decision threshold", 0.05, 0.95, 0.5)
st.metric("ROC AUC", f"{roc_auc_score(y_test, scores):.3f}")

matrix = confusion_matrix(y_test, scores >= threshold)
fig, ax = plt.subplots(figsize=(4, 4))
image = ax.imshow(matrix, cmap="Blues")
colorbar_axis = make_axes_locatable(ax).append_axes("right", size="5%", pad=0.05)
fig.colorbar(image, cax=colorbar_axis)
for (row, col), value in np.ndenumerate(matrix):
    ax.text(col, row, int(value), ha="center", va="center")
ax.set_xlabel("predicted default")
ax.set_ylabel("actual default")
st.pyplot(fig)

st.subheader("What drives the score")
explainer = shap.TreeExplainer(fitted)
values = explainer.shap_values(X_test)
shap.summary_plot(values, X_test, show=False)
st.pyplot(plt.gcf())
