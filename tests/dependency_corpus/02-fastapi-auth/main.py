"""Accounts API: sign-up, OAuth2 password login and the current user."""

from fastapi import Depends, FastAPI, Form, HTTPException, status
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from auth import create_access_token, decode_token, hash_password, verify_password
from db import get_session
from db.models import User
from schemas import SignupIn, Token, UserOut, normalise_email

app = FastAPI(title="Accounts")
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="token")


@app.post("/token", response_model=Token)
async def login(
    username: str = Form(...), password: str = Form(...), session: AsyncSession = Depends(get_session)
) -> Token:
    user = (await session.execute(select(User).where(User.email == username))).scalar_one_or_none()
    if user is None or not verify_password(password, user.password_hash):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "bad credentials")
    return Token(access_token=create_access_token(user.email), token_type="bearer")


@app.post("/signup", response_model=UserOut, status_code=201)
async def signup(body: SignupIn, session: AsyncSession = Depends(get_session)) -> UserOut:
    email = normalise_email(body.email)
    user = User(email=email, name=body.name, password_hash=hash_password(body.password))
    session.add(user)
    await session.commit()
    return UserOut(email=user.email, name=user.name)


@app.get("/me", response_model=UserOut)
async def me(token: str = Depends(oauth2_scheme), session: AsyncSession = Depends(get_session)) -> UserOut:
    email = decode_token(token)
    user = (await session.execute(select(User).where(User.email == email))).scalar_one_or_none()
    if user is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such user")
    return UserOut(email=user.email, name=user.name)


if __name__ == "__main__":
    import uvicorn

    uvicorn.run("main:app", reload=True)
