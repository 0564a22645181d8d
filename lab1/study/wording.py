"""Wording shared by the claims: grammar that follows the numbers, and the one rule for ties.

noun(1, "seed") is "1 seed", verb(2, "reach") "reach", listing(["a", "b", "c"]) "a, b and c";
two numbers tie when they read the same as the report prints them (ties), so a sentence
never ranks 100.0% above 100.0%. Data sets are named as the prose names them.
"""

from .formatting import count, percent, value_text

DATASET_NAMES = {"xor": "XOR", "linear": "the linear data"}


def noun(n, singular, plural=None):
    """'1 seed', '2 seeds', '1,000 epochs' (plural defaults to singular + 's')."""
    return f"{count(n)} {singular if n == 1 else plural or singular + 's'}"


def verb(n, base, third=None):
    """The present tense agreeing with n subjects: verb(1, 'reach') -> 'reaches'."""
    if n != 1:
        return base
    return third or (base + "es" if base.endswith(("s", "sh", "ch", "x")) else base + "s")


def listing(items):
    """'a', 'a and b', 'a, b and c'."""
    items = [str(i) for i in items]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def every(n, singular, plural=None):
    """'both seeds' for 2, 'all 5 seeds' for more (lower case)."""
    return "both " + (plural or singular + "s") if n == 2 else f"all {noun(n, singular, plural)}"


def last_epochs(n):
    """'the last epoch', 'the last 100 epochs', 'the last 1,000 epochs'."""
    return "the last epoch" if n == 1 else f"the last {noun(n, 'epoch')}"


def the_seeds(n):
    """'the seed', 'both seeds', 'the 5 seeds' (after 'over', 'of')."""
    return "the seed" if n == 1 else "both seeds" if n == 2 else f"the {noun(n, 'seed')}"


def values_text(name, values):
    """'lr = 0.1', 'lr = 0.1, 1 and 10', '$h$ = 2 and 4': the variable named once."""
    return f"{name} = {listing(value_text(v) for v in values)}"


def ordinal(n):
    """1 -> '1st', 2 -> '2nd', 11 -> '11th', 23 -> '23rd'."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def ties(a, b, fmt=percent):
    """True when a and b read the same as the report prints them with fmt."""
    return fmt(a) == fmt(b)


def capital(text):
    """text with its first letter upper case (the rest untouched: 'lr = 1' stays inside)."""
    return text[:1].upper() + text[1:]


def on_datasets(names):
    """'on XOR', 'on the linear data', 'on XOR and the linear data': only those run."""
    return "on " + listing(DATASET_NAMES.get(n, n) for n in names)


def cite(sentence, *refs):
    """The sentence citing refs before its final full stop: cite('A holds.', 'Table @tbl:x')
    -> 'A holds (Table @tbl:x).'; a sentence ending in a parenthesis takes them inside it.
    None stays None, so a claim that says nothing stays silent."""
    if sentence is None or not refs:
        return sentence
    body = sentence[:-1] if sentence.endswith(".") else sentence
    if body.endswith(")"):
        return f"{body[:-1]}; {'; '.join(refs)})."
    return f"{body} ({'; '.join(refs)})."
