import streamlit as st
from sklearn.model_selection import train_test_split
from xgboost import XGBClassifier

from .features import build_features


@st.cache_resource
def train_model(loans, max_depth: int, n_estimators: int):
    X = build_features(loans)
    y = loans["defaulted"].astype(int)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, stratify=y, random_state=7)
    classifier = XGBClassifier(max_depth=max_depth, n_estimators=n_estimators, learning_rate=0.05, eval_metric="auc")
    classifier.fit(X_train, y_train)
    return classifier, X_test, y_test
