"""Prompt text and history trimming for the chat app."""

SYSTEM_PROMPT = (
    "You are the Acme support assistant. Answer briefly, cite the help-centre article "
    "when you know it, and never invent account details."
)


def trim_history(history, encoding, budget: int):
    """Keep the most recent exchanges whose token count fits in ``budget``."""
    kept, used = [], 0
    for user, assistant in reversed(history):
        cost = len(encoding.encode(user)) + len(encoding.encode(assistant or ""))
        if used + cost > budget:
            break
        kept.append((user, assistant or ""))
        used += cost
    return list(reversed(kept))
