"""Independent Python transcription of the reward functions ported in
datasets/reward, and a generator of scored cases for the Go tests.

The functions below restate, with Python's own `re` (Unicode-aware \\b, \\s and
IGNORECASE), the behaviour of deep-reasoning's kk_no_format.compute_score /
compute_score_kk and of Logic-RL's kk.compute_score at commits e343c5a (V1)
and e3e47ae (V2), as specified in research/kk.md section 8. The Go tests read
cases.jsonl.gz and require the Go port to give the same scores case by case.

Regenerate (deterministic) with:  python3 pyref.py | gzip -9n > cases.jsonl.gz
"""
import json
import random
import re

EOS = ("<|endoftext|>", "<|im_end|>")
FLAT_BOX = re.compile(r"\\boxed\{([^{}]*)\}")
MATH_BOX = re.compile(r"\\boxed\{((?:[^{}]|\{(?:[^{}]|\{[^{}]*\})*\})*)\}")


def kk_noeos(text, gt):
    found = FLAT_BOX.findall(text)
    if not found:
        return 0.0
    same = sorted(found[-1].split(", ")) == sorted(gt.split(", "))
    return 1.0 if same else 0.0


def kk(text, gt):
    if not text.endswith(EOS):
        return 0.0
    return kk_noeos(text, gt)


def truth_roles(stf):
    roles = {}
    for line in stf.split("\n"):
        line = line.strip()
        if not line:
            continue
        m = re.search(r"\b([A-Za-z]+)\b.*?\b(knight|knave)\b", line, re.IGNORECASE)
        if m:
            roles[m.group(1)] = m.group(2).lower()
    return roles


def response_part(text):
    """(answer or None, text the format is checked on)."""
    for header in ("Assistant:", "<|im_start|>assistant"):
        if header in text:
            rest = text.split(header, 1)[1]
            blocks = list(re.finditer(r"<answer>(.*?)</answer>", rest, re.DOTALL))
            return (blocks[-1].group(1).strip() if blocks else None), rest
    return None, text


def format_ok(rest):
    tags = ("<think>", "</think>", "<answer>", "</answer>")
    if any(rest.count(t) != 1 for t in tags):
        return False
    pos = [rest.find(t) for t in tags]
    return pos[0] <= pos[1] <= pos[2] <= pos[3]


def answer_roles(answer, names, version):
    if version == 2:
        low = answer.lower()
        if low.count("knight") + low.count("knave") != len(names):
            return None
        tail = r"\b\s+is\s+a\s+\b(knight|knave)\b"
    else:
        tail = r"\b.*?\b(knight|knave)\b"
    out = {}
    for name in names:
        m = re.search(r"\b" + re.escape(name) + tail, answer, re.IGNORECASE)
        if not m:
            return None
        out[name] = m.group(1).lower()
    return out


def logicrl(text, stf, version):
    """(total, answer matched)."""
    truth = truth_roles(stf)
    answer, rest = response_part(text)
    ok = format_ok(rest)
    total = 1.0 if ok else -1.0
    if ok and answer:
        pred = answer_roles(answer, list(truth), version)
        if not pred:  # None, or an empty dict: both falsy in the original
            return total - 2.0, False
        if pred == truth:
            return total + 2.0, True
        return total - 1.5, False
    return (total - 2.0 if version == 2 else total), False


# ---------------------------------------------------------------- generator

NAMES = ["Zoey", "Oliver", "Jack", "Jackson", "Ella", "Isabella", "Sofia", "Sophia"]
ROLES = ["knight", "knave"]
# Fragments that stress the differences between Python's re and RE2:
# Unicode word characters next to names, Python-only whitespace, the four
# letters IGNORECASE folds onto ASCII, plurals, case, tags and boxes.
NOISE = [
    " ", "\n", ", ", ". ", " and ", "é", "_", "2", "\u00a0", "\x0b", "\x1c",
    "\u2003", "\u0130", "\u0131", "\u017f", "\u212a", "KNIGHT", "Knave",
    "knights", "kn\u0130ght", "\u212anight", "kn\u0131ght", " is a ", " is ",
    ": ", "(1) ", "(2) ", "<think>", "</think>", "<answer>", "</answer>",
    "Assistant:", "<|im_start|>assistant", "\\boxed{", "{", "}", "\\boxed{}",
    "\\text{", "<|endoftext|>", "<|im_end|>", "Zo\u00e9y", "Zoeyé", "\u00c9lla",
]
CONNECT = [" is a ", " is a ", " is a ", " is\u00a0a ", " is\x0ba ", " is\x1ca ",
           " \u0130s a ", " i\u017f a ", " is  a ", ": ", " is ", " is an ", " is\na "]


def clause(rng, name, role, clean):
    if clean:
        return name + " is a " + role
    if rng.random() < 0.08:
        role = rng.choice(["KNIGHT", "Knave", "\u212anight", "kn\u0130ght", "knights"])
    conn = " is a " if rng.random() < 0.8 else rng.choice(CONNECT)
    pre = rng.choice(["", "", "", "é", "_", "Zo", "Jack"]) if rng.random() < 0.05 else ""
    post = rng.choice(["", "", "", "é", "s", "son"]) if rng.random() < 0.05 else ""
    return pre + name + post + conn + role


def mutate(rng, text, k):
    for _ in range(k):
        i = rng.randrange(len(text) + 1)
        op = rng.random()
        if op < 0.6:
            text = text[:i] + rng.choice(NOISE) + text[i:]
        elif op < 0.85 and text:
            j = min(len(text), i + rng.randrange(1, 12))
            text = text[:i] + text[j:]
        else:
            j = min(len(text), i + rng.randrange(1, 30))
            text = text[:i] + text[i:j] + text[i:j] + text[j:]
    return text


def people(rng):
    n = rng.randint(1, 4)
    names = rng.sample(NAMES, n)
    return names, [rng.choice(ROLES) for _ in names]


def kk_case(rng):
    names, roles = people(rng)
    gt = ", ".join(f"{a} is a {r}" for a, r in zip(names, roles))
    order = list(range(len(names)))
    rng.shuffle(order)
    said = [names[i] for i in order], [roles[i] for i in order]
    if rng.random() < 0.3:
        j = rng.randrange(len(names))
        said[1][j] = ROLES[1 - ROLES.index(said[1][j])]
    clean = rng.random() < 0.5
    box = "\\boxed{" + ", ".join(clause(rng, a, r, clean) for a, r in zip(*said)) + "}"
    prompt = "Answer as \\boxed{XX is a knave, ...}<|im_end|>\n<|im_start|>assistant\n"
    text = prompt + "Reasoning. The final answer is: " + box + "." + rng.choice(
        ["<|endoftext|>", "<|im_end|>", "", "<|endoftext|> "])
    if rng.random() < 0.4:
        text = mutate(rng, text, rng.randint(1, 3))
    return text, gt, "\n".join(f"({i+1}) {a} is a {r}" for i, (a, r) in enumerate(zip(names, roles)))


def logicrl_case(rng):
    names, roles = people(rng)
    stf = "\n".join(f"({i+1}) {a} is a {r}" for i, (a, r) in enumerate(zip(names, roles)))
    said_roles = list(roles)
    if rng.random() < 0.3:
        j = rng.randrange(len(names))
        said_roles[j] = ROLES[1 - ROLES.index(said_roles[j])]
    clean = rng.random() < 0.5
    lines = [f"({i+1}) " + clause(rng, a, r, clean) for i, (a, r) in enumerate(zip(names, said_roles))]
    if rng.random() < 0.15:
        del lines[rng.randrange(len(lines))]
    rng.shuffle(lines)
    sep = rng.choice(["\n", "\n", ", ", "; "])
    header = rng.choice(["<|im_start|>assistant\n<think>", "Assistant: <think>", "<think>"])
    text = ("<|im_end|>\n" + header + " thinking </think>"
            + rng.choice(["", " ", "\n"]) + "<answer> " + sep.join(lines) + " </answer><|im_end|>")
    if rng.random() < 0.4:
        text = mutate(rng, text, rng.randint(1, 3))
    gt = ", ".join(f"{a} is a {r}" for a, r in zip(names, roles))
    return text, gt, stf


def soup_case(rng):
    names, roles = people(rng)
    parts = []
    for _ in range(rng.randint(0, 20)):
        x = rng.random()
        if x < 0.3:
            parts.append(rng.choice(names))
        elif x < 0.5:
            parts.append(rng.choice(ROLES))
        else:
            parts.append(rng.choice(NOISE))
    gt = ", ".join(f"{a} is a {r}" for a, r in zip(names, roles))
    stf = "\n".join(f"({i+1}) {a} is a {r}" for i, (a, r) in enumerate(zip(names, roles)))
    return "".join(parts), gt, stf


def last(regex, text):
    found = regex.findall(text)
    return found[-1] if found else None


def main():
    rng = random.Random(20250523)
    makers = [kk_case] * 3 + [logicrl_case] * 4 + [soup_case] * 3
    for _ in range(1000):
        text, gt, stf = rng.choice(makers)(rng)
        v1, ok1 = logicrl(text, stf, 1)
        v2, ok2 = logicrl(text, stf, 2)
        print(json.dumps({
            "text": text, "gt": gt, "stf": stf,
            "kk": kk(text, gt), "kk_noeos": kk_noeos(text, gt),
            "v1": v1, "v1_correct": ok1, "v2": v2, "v2_correct": ok2,
            "flat": last(FLAT_BOX, text), "math": last(MATH_BOX, text),
        }))


if __name__ == "__main__":
    main()
