"""The Python pre-filter (``tables.worth_parsing``) reads where a file's words lie: an SDK
name only in docstrings, comments or longer names calls nothing, and a file skipped for it
is one the analysis would have found nothing in (issue 15)."""

from __future__ import annotations

import random
import textwrap

import pytest

from gate.discover import python, scanning
from gate.discover.python import lexical, tables
from gate.model import Evidence


def _src(text: str) -> bytes:
    return textwrap.dedent(text).lstrip().encode()


def _unfiltered(data: bytes, monkeypatch: pytest.MonkeyPatch) -> list[Evidence]:
    """What the analysis finds in a file when the pre-filter lets everything through."""
    with monkeypatch.context() as patch:
        patch.setattr(python, "worth_parsing", lambda _data: True)
        return python.analyse_file("app.py", data, pending=True).evidence


# A library module of the diffusers kind: it imports transformers classes for its types
# and shows from_pretrained in its docstrings, but calls nothing the call table knows.
_LIBRARY = _src('''
    """Pipeline for text-to-image generation.

    Examples:
        >>> from diffusers import FluxPipeline
        >>> pipe = FluxPipeline.from_pretrained("black-forest-labs/FLUX.1-dev")
    """
    from transformers import CLIPTextModel, CLIPTokenizer  # from_pretrained below

    from ..utils import is_transformers_available

    EXAMPLE_DOC_STRING = """
        >>> pipe = StableDiffusionPipeline.from_pretrained("runwayml/stable-diffusion-v1-5")
    """


    class Pipeline:
        # Copied from transformers.models.clip.CLIPTextModel.from_pretrained
        def __init__(self, text_encoder: CLIPTextModel, tokenizer: CLIPTokenizer) -> None:
            self.model = text_encoder
            self.name = "text-encoder"
            if not is_transformers_available():
                raise ValueError("install transformers: pip install 'transformers>=4'")
''')

_SKIPPED = {
    "library module": _LIBRARY,
    "sdk names in a comment": _src("""
        # from transformers import pipeline; pipeline("text-generation", model="gpt2")
        x = 1
    """),
    "sdk name inside a longer name": _src("""
        from .utils import is_transformers_available, openai_compat_layer
        model = is_transformers_available()
    """),
    "sdk call in a multi-line string": _src('''
        USAGE = """
        client = OpenAI()
        client.chat.completions.create(model="gpt-4o")
        """
    '''),
    # issue 15: a third of diffusers' files still parsed for nothing were kept by these
    "an id-like span in backticks inside a message": _src("""
        from transformers import CLIPTextModel  # loaded by AutoModel.from_pretrained
        WARN = "please open a Pull request for the `unet/config.json` file"
    """),
    "escapes and regular expressions": _src(r"""
        import transformers  # loaded by AutoModel.from_pretrained
        SEP, PAT, RAW = "\n", "\\s+", r"(\w+)\.(\d+)"
        HEAD = "Examples:\n"
    """),
}


@pytest.mark.parametrize("name", sorted(_SKIPPED))
def test_a_file_naming_sdks_only_in_prose_is_skipped_and_held_nothing(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _SKIPPED[name]
    assert python.needles() and any(n in data for n in python.needles())
    assert not tables.worth_parsing(data)
    assert _unfiltered(data, monkeypatch) == []


_PARSED = {
    "call after a docstring mention": _src('''
        """Use from_pretrained("org/model") to load."""
        from transformers import AutoModel
        m = AutoModel.from_pretrained(name)
    '''),
    "imported module method on a client it did not make": _src("""
        import ollama
        def ask(client, prompt):
            return client.chat(model=MODEL, messages=[prompt])
    """),
    "distinctive method chain alone": _src("""
        from .settings import MODEL
        def ask(client):
            return client.chat.completions.create(model=MODEL, messages=[])
    """),
    "a local model folder beside an sdk import": _src("""
        from transformers import BitsAndBytesConfig
        MODEL_PATH = "/data/models/Qwen2-7B"
    """),
    "an f-string path": _src("""
        import transformers
        model_dir = f"{ROOT}/models/llama"
    """),
    "a model literal in code beside docstring calls": _src('''
        """pipe = Pipeline.from_pretrained("a/b")"""
        import transformers
        MODEL = "gpt-4o"
    '''),
    "a hash inside a string before a call": _src("""
        from transformers import AutoModel
        tag = "#"; AutoModel.from_pretrained(tag)
    """),
    "an escaped quote before a call": _src(r"""
        from transformers import AutoModel
        s = "a \" b"; AutoModel.from_pretrained(s)
    """),
    "a triple-quoted string holding quotes before a call": _src('''
        from transformers import AutoModel
        s = """ ' " '' "" """; AutoModel.from_pretrained(s)
    '''),
    "prefixed strings": _src("""
        from transformers import AutoModel
        a, b = rb'x\\'y', f"{a}"; AutoModel.from_pretrained(a)
    """),
    "a windows model folder": _src(r"""
        from transformers import BitsAndBytesConfig
        MODEL_DIR = "C:\\models\\qwen"
    """),
    "a raw windows model folder": _src(r"""
        from transformers import BitsAndBytesConfig
        MODEL_DIR = r"D:\models\qwen"
    """),
    "a network share": _src(r"""
        from transformers import BitsAndBytesConfig
        MODEL_DIR = "\\\\nas\\models"
    """),
    "a raw network share": _src(r"""
        from transformers import BitsAndBytesConfig
        model_path = r"\\nas\models"
    """),
    "a raw network share holding escape letters": _src(r"""
        import transformers
        model_path = r"\\nas\new\tmp"
    """),
    "a name beside a non-ascii letter counts (the safe side)": _src("""
        from transformers import AutoModel
        \u00e9from_pretrained = 1
    """),
}


@pytest.mark.parametrize("name", sorted(_PARSED))
def test_a_file_that_may_call_or_bind_a_model_is_parsed(name: str) -> None:
    assert tables.worth_parsing(_PARSED[name])


def test_the_folder_and_literal_beside_an_import_are_found() -> None:
    found = python.analyse_file("app.py", _PARSED["a local model folder beside an sdk import"])
    assert [ev.identity for ev in found.evidence] == ["local:/data/models/Qwen2-7B"]
    found = python.analyse_file("app.py", _PARSED["a raw network share"])
    assert [ev.identity for ev in found.evidence] == ["local:/nas/models"]
    found = python.analyse_file("app.py", _PARSED["a model literal in code beside docstring calls"])
    assert [ev.identity for ev in found.evidence] == ["api:openai/gpt-4o"]


def test_the_lexical_view_keeps_code_and_one_line_strings() -> None:
    seen = lexical.view(
        b'x = "a#b"  # from_pretrained\n'
        b"y = '''\nprose \"q\" '''\n"
        b"z = r'c\\'d' + \"e\\\n f\"\n"
        b'w = """one line"""\n'
    )
    assert seen.code == b'x = ""  ""\ny = ""\nz = r"" + ""\nw = ""\n'
    assert seen.strings.split(b"\n") == [b'"a#b"', b"'c\\'d'", b'"e\\', b' f"', b'"""one line"""']


_FRAGMENTS = [
    "from transformers import CLIPTextModel",
    "from transformers import AutoModel",
    "import openai",
    "import ollama",
    "from .settings import MODEL",
    "from ..utils import is_transformers_available",
    'm = AutoModel.from_pretrained("bert-base-uncased")',
    "m = AutoModel.from_pretrained(MODEL)",
    'client = openai.OpenAI(base_url="https://api.deepseek.com")',
    'r = client.chat.completions.create(model="deepseek-chat", messages=[])',
    "r = client.chat(model=MODEL)",
    'model_name = "Qwen/Qwen2-7B-Instruct"',
    'model_path = "/data/models/llama"',
    "model = CLIPTextModel(config)",
    'name = "text-encoder"',
    '# m = AutoModel.from_pretrained("gpt2")',
    '"""Example: pipe = Pipeline.from_pretrained("org/model") with openai."""',
    'DOC = """\n>>> client.chat.completions.create(model="gpt-4o")\n"""',
    "ok = is_transformers_available()",
    'raise ValueError("see https://huggingface.co/docs for from_pretrained")',
]


def test_whatever_the_lexical_reading_skips_the_analysis_finds_nothing_in(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = random.Random(15)
    skipped = parsed = 0
    for _ in range(400):
        lines = rng.sample(_FRAGMENTS, rng.randint(1, 6))
        data = ("\n".join(lines) + "\n").encode()
        if not scanning.holds(tables._strong(), data):
            continue  # no SDK word at all: read by the literal test alone, as before
        if tables.worth_parsing(data):
            parsed += 1
            continue
        skipped += 1
        assert _unfiltered(data, monkeypatch) == [], data
    assert skipped > 50 and parsed > 50


def test_a_hostile_line_of_separators_is_read_in_one_pass() -> None:
    # 200,000 slashes in one unterminated literal, beside an SDK import: a path pattern free to
    # split the run anywhere backtracked quadratically (20,000 took 4 s; this would take
    # minutes). Read in one pass, the file is simply not worth parsing.
    data = b"import transformers\nx = '" + b"/" * 200_000 + b"\n"
    assert not tables.worth_parsing(data)
    assert tables.worth_parsing(b"import transformers\nx = '" + b"/" * 200_000 + b"'\n")


@pytest.mark.parametrize(
    "run",
    [
        b"\\\\" * 100_000,
        b"a\\n" * 100_000,
        b"a\\\\" * 100_000,
        b"\\n\\m" * 50_000,
        b"x\\" * 100_000,
        b"\\\\a" * 100_000,
        b"\\\\" + b"a" * 200_000,
    ],
)
def test_a_hostile_line_of_backslashes_is_read_in_one_pass(run: bytes) -> None:
    # Escapes and backslash separators, unterminated (a space at the end): each backslash
    # either continues the part before the first separator or is that separator, never both,
    # so no run is tried again from an earlier place (these finish in milliseconds).
    data = b"# AutoModel.from_pretrained\nimport transformers\nx = '" + run + b" '\n"
    assert not tables.worth_parsing(data)
