"""Support assistant chat on Azure OpenAI with Entra ID authentication."""

import os

import gradio as gr
import tiktoken
from azure.identity import DefaultAzureCredential, get_bearer_token_provider
from dotenv import load_dotenv
from openai import AzureOpenAI, RateLimitError
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_random_exponential

from prompts import SYSTEM_PROMPT, trim_history

load_dotenv()
token_provider = get_bearer_token_provider(
    DefaultAzureCredential(), "https://cognitiveservices.azure.com/.default"
)
client = AzureOpenAI(
    azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"],
    azure_ad_token_provider=token_provider,
    api_version="2024-02-01",
)
DEPLOYMENT = os.environ.get("AZURE_OPENAI_DEPLOYMENT", "gpt-4o")
encoding = tiktoken.get_encoding("cl100k_base")


@retry(
    retry=retry_if_exception_type(RateLimitError),
    wait=wait_random_exponential(min=1, max=30),
    stop=stop_after_attempt(5),
)
def complete(messages: list[dict]) -> str:
    response = client.chat.completions.create(model=DEPLOYMENT, messages=messages, temperature=0.2)
    return response.choices[0].message.content


def respond(message: str, history: list[list[str]]) -> str:
    messages = [{"role": "system", "content": SYSTEM_PROMPT}]
    for user, assistant in trim_history(history, encoding, budget=6000):
        messages += [{"role": "user", "content": user}, {"role": "assistant", "content": assistant}]
    messages.append({"role": "user", "content": message})
    return complete(messages)


demo = gr.ChatInterface(respond, title="Support assistant", examples=["How do I reset my password?"])

if __name__ == "__main__":
    demo.launch()
