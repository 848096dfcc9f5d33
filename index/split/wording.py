"""What a line's wording says about it: ends like a question, opens with an interrogative, is an
interviewer prompt ("Tell us about …"), greets, speaks in the first or second person."""

from __future__ import annotations

import re

from index.blocks import Block
from index.split.patterns import Patterns, match_key

QUESTION_END = re.compile(r"\?[\"”’')\]]*$")


INTERROGATIVE = re.compile(
    r"^(?:what|what's|whats|how|why|when|where|who|whom|whose|which|do|does|did|is|are|was|were|can|could|"
    r"would|will|have|has|had|should|shall|may|might|tell|if|any|anything|in what|as a|as an)\b",
    re.IGNORECASE,
)


GREETING = re.compile(
    r"^(?:(?:hi|hello|hey|dear|welcome|thanks|thank you)\b[^.?!,]{0,60}[,.!]\s*|[A-Z][\w'’-]{1,20},\s+)",
    re.IGNORECASE,
)


SECOND_PERSON = re.compile(r"\b(?:you|your|yours|yourself|yourselves)\b", re.IGNORECASE)


FIRST_PERSON = re.compile(r"(?:^|\s)(?:I|I'm|I’m|I've|I’ve|I'd|I’d|I'll|I’ll|my|me|mine)\b")


def is_question_like(text: str, pats: Patterns) -> bool:
    return bool(QUESTION_END.search(text.rstrip()) or is_prompt(text, pats))


def is_prompt(text: str, pats: Patterns) -> bool:
    key = match_key(text)
    if len(key) > 400:
        return False
    body = GREETING.sub("", key, count=1)
    return any(p.search(key) or p.search(body) for p in pats.prompts)


def greets(block: Block) -> bool:
    """A short line addressed to the interviewee: a greeting or thanks, in the second person, no "I"."""
    key = match_key(block.text)
    return (
        len(key) <= 200
        and not block.code
        and not block.list_item
        and bool(GREETING.match(key))
        and not FIRST_PERSON.search(key)
    )
