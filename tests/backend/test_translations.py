"""The English catalogue is complete, compiled and used.

Source strings are Chinese; English comes from locale/en/LC_MESSAGES/django.po. CI machines may lack gettext
(no msgfmt), so the .po is parsed here in Python and the compiled .mo is committed and checked against it.
"""

import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
PO_PATH = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")

ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
# %(name)s / %s / %d style (python-format) and {name} style (python-brace-format) placeholders.
PERCENT = re.compile(r"%(?:\((?P<name>[^)]*)\))?[#0 +-]*\d*(?:\.\d+)?(?P<conv>[a-zA-Z%])")
BRACE = re.compile(r"\{([^{}]*)\}")


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def label(self) -> str:
        return f"django.po:{self.line} {self.msgid!r}"


def unquote(token: str, line_no: int) -> str:
    """A PO string token: "..." with C escapes."""
    token = token.strip()
    assert len(token) >= 2 and token[0] == token[-1] == '"', f"line {line_no}: not a quoted string: {token!r}"
    body = token[1:-1]
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(0)), body)


def parse_po(path: Path) -> list[Entry]:
    """Minimal PO reader: flags, msgctxt, msgid, msgid_plural, msgstr and msgstr[n], with continuation lines.
    Obsolete (#~) entries and other comments are skipped."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int] | None = None  # which field continuation lines extend
    pending_flags: set[str] = set()

    def finish() -> None:
        nonlocal entry
        if entry is not None:
            entries.append(entry)
        entry = None

    for line_no, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            if line.startswith("#,"):
                finish()
                pending_flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            continue
        if line.startswith('"'):
            assert entry is not None and target is not None, f"line {line_no}: continuation outside an entry"
            text = unquote(line, line_no)
            name, index = target
            if name == "msgstr":
                entry.msgstr[index] += text
            else:
                setattr(entry, name, getattr(entry, name) + text)
            continue
        keyword, _, rest = line.partition(" ")
        if keyword == "msgctxt" or (keyword == "msgid" and (entry is None or entry.msgstr)):
            # A new entry starts at msgctxt, or at msgid unless it follows this entry's own msgctxt.
            finish()
            entry = Entry(flags=pending_flags, line=line_no)
            pending_flags = set()
        assert entry is not None, f"line {line_no}: {keyword} outside an entry"
        value = unquote(rest, line_no)
        if keyword in ("msgctxt", "msgid", "msgid_plural"):
            setattr(entry, keyword, value)
            target = (keyword, 0)
        elif keyword == "msgstr":
            entry.msgstr[0] = value
            target = ("msgstr", 0)
        elif match := re.fullmatch(r"msgstr\[(\d+)\]", keyword):
            index = int(match.group(1))
            entry.msgstr[index] = value
            target = ("msgstr", index)
        else:
            raise AssertionError(f"line {line_no}: unknown keyword {keyword!r}")
    finish()
    return entries


@pytest.fixture(scope="module")
def catalogue() -> tuple[Entry, list[Entry]]:
    entries = parse_po(PO_PATH)
    headers = [e for e in entries if e.msgid == "" and e.msgctxt is None]
    assert len(headers) == 1, "the .po must have exactly one header entry"
    return headers[0], [e for e in entries if e is not headers[0]]


def plural_count(header: Entry) -> int:
    match = re.search(r"nplurals\s*=\s*(\d+)", header.msgstr[0])
    assert match, "Plural-Forms header missing"
    return int(match.group(1))


def placeholders(text: str, flags: set[str]) -> tuple[list[str], set[str]]:
    percent = sorted(
        f"%({m.group('name')}){m.group('conv')}" if m.group("name") is not None else f"%{m.group('conv')}"
        for m in PERCENT.finditer(text) if m.group("conv") != "%"
    ) if "python-format" in flags else []
    braces = set(BRACE.findall(text)) if "python-brace-format" in flags else set()
    return percent, braces


def test_parser_reads_escapes_continuations_plurals_and_context(tmp_path):
    po = tmp_path / "x.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
        '#, fuzzy, python-format\nmsgid "一 %(n)d"\nmsgid_plural "多 %(n)d"\nmsgstr[0] "one %(n)d"\nmsgstr[1] ""\n'
        '"many \\"%(n)d\\""\n\n'
        'msgctxt "月份"\nmsgid "五"\nmsgstr "May"\n\n'
        '#~ msgid "旧"\n#~ msgstr "old"\n',
        encoding="utf-8",
    )
    header, plural, with_context = parse_po(po)
    assert plural_count(header) == 2
    assert plural.flags == {"fuzzy", "python-format"}
    assert plural.msgid_plural == "多 %(n)d"
    assert plural.msgstr == {0: "one %(n)d", 1: 'many "%(n)d"'}
    assert (with_context.msgctxt, with_context.msgid, with_context.msgstr) == ("月份", "五", {0: "May"})
    assert with_context.flags == set()


def test_catalogue_is_substantial_and_english(catalogue):
    header, entries = catalogue
    assert re.search(r"^Language: en$", header.msgstr[0], re.MULTILINE)
    assert "charset=UTF-8" in header.msgstr[0]
    assert "fuzzy" not in header.flags
    assert len(entries) > 300
    # Spot checks of the domain glossary (DESIGN.md "Words").
    by_id = {e.msgid: e.msgstr[0] for e in entries if e.msgctxt is None}
    assert by_id["周指导"] == "Weekly guidance"
    assert by_id["月暗查"] == "Monthly covert inspection"
    assert by_id["季考核"] == "Quarterly assessment"
    assert by_id["投放点"] == "Bin station"
    assert by_id["一票否决"] == "Veto"


def test_every_entry_is_translated_and_none_is_fuzzy(catalogue):
    header, entries = catalogue
    forms = plural_count(header)
    problems = []
    for e in entries:
        if "fuzzy" in e.flags:
            problems.append(f"{e.label}: fuzzy")
        expected = list(range(forms)) if e.msgid_plural is not None else [0]
        if sorted(e.msgstr) != expected:
            problems.append(f"{e.label}: msgstr forms {sorted(e.msgstr)}, expected {expected}")
        for index, text in e.msgstr.items():
            if not text.strip():
                problems.append(f"{e.label}: msgstr[{index}] is empty")
    assert not problems, "\n".join(problems)


def test_translations_keep_placeholders(catalogue):
    _, entries = catalogue
    problems = []
    for e in entries:
        for index, text in e.msgstr.items():
            source = e.msgid if index == 0 or e.msgid_plural is None else e.msgid_plural
            if placeholders(text, e.flags) != placeholders(source, e.flags):
                problems.append(f"{e.label}: msgstr[{index}] {text!r} changes the placeholders")
        if e.msgid.endswith("\n") != e.msgstr.get(0, "").endswith("\n"):
            problems.append(f"{e.label}: trailing newline differs")
    assert not problems, "\n".join(problems)


def test_compiled_mo_matches_the_po(catalogue):
    header, entries = catalogue
    with MO_PATH.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog  # msgid -> str; (msgid, n) -> str for plurals
    expected: dict[object, str] = {"": header.msgstr[0]}
    for e in entries:
        key = e.msgid if e.msgctxt is None else f"{e.msgctxt}\x04{e.msgid}"
        if e.msgid_plural is None:
            expected[key] = e.msgstr[0]
        else:
            expected.update({(key, index): text for index, text in e.msgstr.items()})
    stale = sorted(repr(k) for k in expected.keys() - compiled.keys())
    extra = sorted(repr(k) for k in compiled.keys() - expected.keys())
    assert not stale and not extra, f"run compilemessages: missing from .mo {stale}, only in .mo {extra}"
    changed = sorted(repr(k) for k in expected if k != "" and compiled[k] != expected[k])
    assert not changed, f"run compilemessages: .mo differs from .po for {changed}"


def test_django_serves_every_translation_in_english(catalogue):
    """Django loads this catalogue for "en" (LOCALE_PATHS) and no other catalogue shadows it."""
    _, entries = catalogue
    wrong = []
    with translation.override("en"):
        for e in entries:
            if e.msgid_plural is None:
                got = [translation.gettext(e.msgid) if e.msgctxt is None else translation.pgettext(e.msgctxt, e.msgid)]
                want = [e.msgstr[0]]
            else:
                got, want = [], [e.msgstr[0], e.msgstr[1]]
                for n in (1, 2):
                    if e.msgctxt is None:
                        got.append(translation.ngettext(e.msgid, e.msgid_plural, n))
                    else:
                        got.append(translation.npgettext(e.msgctxt, e.msgid, e.msgid_plural, n))
            if got != want:
                wrong.append(f"{e.label}: {got!r} != {want!r}")
    assert not wrong, "\n".join(wrong)
    with translation.override("zh-hans"):
        assert translation.gettext("周指导") == "周指导"


@pytest.mark.django_db
def test_admin_login_in_english_by_accept_language(client):
    response = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    html = response.content.decode()
    assert 'lang="en"' in html
    assert "SortPatrol administration" in html  # the project's own string (admin.site.site_header)
    assert "Log in" in html and "Username" in html  # Django's own English
    assert "分类巡查" not in html and "登录" not in html and "用户名" not in html


@pytest.mark.django_db
def test_admin_login_in_chinese_by_default_and_for_chinese_browsers(client):
    for headers in ({}, {"HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9"}):
        response = client.get("/admin/login/", **headers)
        assert response.status_code == 200
        assert response["Content-Language"] == "zh-hans"
        html = response.content.decode()
        assert 'lang="zh-hans"' in html
        assert "分类巡查 管理后台" in html
        assert "登录" in html and "用户名" in html
        assert "SortPatrol" not in html and "Log in" not in html


@pytest.mark.django_db
def test_language_switch_by_setlang_cookie_beats_the_browser(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/admin/login/"})
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/"
    assert client.cookies["django_language"].value == "en"
    english = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert english.status_code == 200
    assert "SortPatrol administration" in english.content.decode()

    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/admin/login/"})
    assert response.status_code == 302
    assert client.cookies["django_language"].value == "zh-hans"
    chinese = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert chinese.status_code == 200
    html = chinese.content.decode()
    assert "分类巡查 管理后台" in html and "SortPatrol" not in html
