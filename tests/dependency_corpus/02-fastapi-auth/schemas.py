"""Request and response bodies."""

from email_validator import EmailNotValidError, validate_email
from fastapi import HTTPException
from pydantic import BaseModel, Field


class SignupIn(BaseModel):
    email: str
    name: str = Field(min_length=1, max_length=80)
    password: str = Field(min_length=12)


class UserOut(BaseModel):
    email: str
    name: str


class Token(BaseModel):
    access_token: str
    token_type: str


def normalise_email(raw: str) -> str:
    try:
        return validate_email(raw, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise HTTPException(422, str(exc)) from exc
