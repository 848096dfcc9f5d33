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
    """True when ``text`` ends with a question mark, before any closing aside ("…, I guess? *laughs*",
    "… yet? (laughter)"), or is a prompt (:func:`is_prompt`)."""
    text = _TRAILING_ASIDE.sub("", text.rstrip())
    return bool(QUESTION_END.search(text) or is_prompt(text, pats))


# A transcriber's aside closing a turn: "*laughs*", "(laughter)", "[both laugh]".
_TRAILING_ASIDE = re.compile(r"\s*(?:\*[^*\n]{1,25}\*|\([^()\n]{1,25}\)|\[[^\[\]\n]{1,25}\])$")


def is_prompt(text: str, pats: Patterns) -> bool:
    key = match_key(text)
    if len(key) > 400:
        return False
    body = GREETING.sub("", key, count=1)
    # Most lines open with no greeting: the text is then searched once, not twice.
    texts = (key,) if body == key else (key, body)
    return any(p.search(line) for p in pats.prompts_any for line in texts)


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


# Sentences as prompts and questions are looked for in them: cut after ".", "!", "?" or "…" and a space.
_SENTENCE_CUT = re.compile(r"(?<=[.!?…])[\"”’')\]]*\s+")
_CLOSING = re.compile(
    r"^(?:(?:ok(?:ay)?|well|great|alright|all right|so|and)[,!.]?\s+)*"
    r"(?:thanks|thank you|many thanks|cheers)\b|"
    r"\b(?:thanks|thank you)\b[^.?!]{0,40}\b(?:for|again)\b[^.?!]{0,60}\b(?:time|interview|talking|chat|"
    r"chatting|joining|speaking|sharing|conversation|doing this|having me|answering|coming)\b",
    re.IGNORECASE,
)


def sentences(text: str) -> list[str]:
    """``text`` cut into sentences (cheaply: at sentence punctuation followed by a space)."""
    return [s for s in _SENTENCE_CUT.split(text) if s.strip()]


# "…, right?" / "…, yeah?" asks for agreement, not an answer; "Was it?" / "Really?" echoes what was said.
_TAG_QUESTION = re.compile(
    r"(?:,\s*|^)(?:right|yeah|yes|no|huh|eh|ok|okay|correct|true|really|isn't it|is it|wasn't it|didn't you)"
    r"\s*\?[\"”’')\]]*$",
    re.IGNORECASE,
)
# A question to the audience of a stage interview, not to the guest ("Who here runs a full node? Show of
# hands.", "How many of you have tried it?").
_TO_THE_AUDIENCE = re.compile(
    r"^(?:so,?\s+|and\s+|ok(?:ay)?,?\s+)?"
    r"(?:who here|who in (?:the|this) (?:room|audience)|how many (?:of you|people here))\b",
    re.IGNORECASE,
)
# A tag question that asks the guest to confirm something about them is a question ("So you've got the
# training company, but you're also doing some JAMstack stuff with that too, right?"); a short remark with
# a tag ("That's amazing, right?") is backchannel.
_CONFIRMS = re.compile(
    r"^(?=(?:\S+\s+){7})(?:\S+\s+)*?(?:you|you're|your|you've|you'd|you'll)\b", re.IGNORECASE
)
_ECHO_QUESTION = re.compile(
    r"^(?:oh,?\s+)?(?:was|is|were|are|did|do|does|have|has|had|can|could|would|will)\s+(?:it|he|she|they|you|we|that|there)"
    r"(?:\s+not)?\s*\?[\"”’')\]]*$",
    re.IGNORECASE,
)
# A clause that asks without a question mark, as transcribed speech often does: "…, but how does it feel
# doing the JAMstack side", "what do you want to share", or an embedded "tell me"/"give us".
_ASKING_CLAUSE = re.compile(
    r"(?:^|[,;:]\s+|\b(?:and|but|so|then|now)\s+)(?:what|how|why|where|when|who|which|do|does|did|are|is|"
    r"have|has|can|could|would|will)\s+(?:\w+\s+){0,2}?(?:you|your|yourself|it|that|this|they|we)\b"
    r"|\b(?:tell|give|walk|take)\s+(?:us|me)\b",
    re.IGNORECASE,
)


def asks(text: str, pats: Patterns, loosely: bool = False) -> bool:
    """True when ``text`` asks something: a question (not a tag question such as "…, right?" or an echo
    such as "Was it?"), or a sentence that is an interviewer prompt ("Tell us about …", "Let's talk
    about …", "Walk me through …"). ``loosely`` also accepts a clause that asks without a question mark
    ("…, but how does it feel doing …"), for spoken transcripts."""
    key = match_key(text)
    parts = sentences(key)[:12]
    for sentence in parts:
        if _TO_THE_AUDIENCE.search(sentence):
            continue
        if "?" in sentence and not (_TAG_QUESTION.search(sentence) or _ECHO_QUESTION.match(sentence)):
            return True
        if _TAG_QUESTION.search(sentence) and _CONFIRMS.search(sentence):
            return True
    for sentence in parts[:8]:
        if is_prompt(sentence, pats) or any(is_prompt(c, pats) for c in sentence.split(", ")[1:4]):
            return True
        if loosely and _ASKING_CLAUSE.search(sentence):
            return True
    return False


def is_closing(text: str) -> bool:
    """A thank-you or sign-off that asks nothing ("Thanks for your time, Jeremy.")."""
    key = match_key(text)
    return "?" not in key and len(key) < 400 and bool(_CLOSING.search(key))
