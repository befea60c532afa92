import numpy as np
import pandas as pd

FEATURES = ["income", "loan_amount", "term_months", "credit_lines", "debt_to_income", "age_of_oldest_line"]


def build_features(loans: pd.DataFrame) -> pd.DataFrame:
    frame = loans[FEATURES].copy()
    frame["log_income"] = np.log1p(frame["income"])
    frame["payment_ratio"] = frame["loan_amount"] / frame["term_months"] / (frame["income"] / 12)
    return frame
