"""`authoring site` in Welsh: a Welsh release's page is Welsh throughout, and both pages offer the bilingual document.

Built as a reader gets it: the example round (Dyfed-Powys is a Welsh force) by a real batch,
then the site; every page read back with an HTML parser (lxml), every feed with feedparser.
"""

from __future__ import annotations

import calendar
import copy
import datetime as dt
import hashlib
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import feedparser
import lxml.html
import pytest
from typer.testing import CliRunner

from authoring.build.batch import run_batch
from authoring.cli.app import app
from authoring.model import campaign as campaign_module
from authoring.model.campaign import house_data, house_newsroom, house_words
from authoring.model.newsroom import WORDS
from authoring.site.catalogue import house_site_words
from authoring.site.clock import LONDON
from tests.batch_helpers import edit
from tests.conftest import ROOT
from tests.site_helpers import LATER, ROUND_2012, ROUND_2013, URL, batched_project, copy_project, rebatch, site

WELSH_PAGE = f"{ROUND_2013}/dyfed-powys/cy/index.html"
ENGLISH_PAGE = f"{ROUND_2013}/dyfed-powys/index.html"
WELSH_TITLE = "Gwerth am Arian ym maes Plismona 2013 (Enghraifft)"
WELSH_HEADLINE = "Heddlu Dyfed-Powys angen gwella o ran cael gwerth am arian, yn ôl arolygiad enghreifftiol"


# --------------------------------------------------------------------------- fixtures and readers


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's rounds by a real batch; the site with the example round, whose Dyfed-Powys is bilingual."""
    project = batched_project(tmp_path_factory.mktemp("welsh"))
    result = site(project, "--now", LATER, "--examples")
    assert result.exit_code == 0, result.output
    return project


@pytest.fixture(scope="module")
def bilingual(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the example round whose campaign asks for the bilingual document, batched, then the site."""
    project = tmp_path_factory.mktemp("bilingual")
    shutil.copytree(ROOT / "forces" / ROUND_2013, project / "forces" / ROUND_2013)
    edit(
        project / "forces" / ROUND_2013 / "campaign.yaml",
        "  # bilingual_document: side-by-side",
        "  bilingual_document: side-by-side",
    )
    report = run_batch([project / "forces" / ROUND_2013], out_dir=project / "output", jobs=2)
    assert report.ok, report.outcomes
    result = site(project, "--now", LATER, "--examples")
    assert result.exit_code == 0, result.output
    return project


def out(project: Path) -> Path:
    return project / "output" / "site"


def parsed(path: Path) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(path.read_bytes())


def texts(root: lxml.html.HtmlElement, xpath: str) -> list[str]:
    return [" ".join(element.text_content().split()) for element in root.xpath(xpath)]


def chrome(root: lxml.html.HtmlElement) -> str:
    """What a reader meets on a page besides the release itself and any passage marked as in another language.

    Its text (the title included) and the names a screen reader says (``aria-label``, ``title``).
    """
    root = copy.deepcopy(root)
    language = root.get("lang")
    for element in root.xpath(
        "//article[contains(@class, 'release')] | //body//*[@lang and @lang != $lang]", lang=language
    ):
        element.drop_tree()
    said = [str(value) for value in root.xpath("//@aria-label | //@title")]
    return " ".join([*root.text_content().split(), *said])


def english_phrases() -> set[str]:
    """Every run of English words of the newsroom's English defaults that its Welsh default does not also have.

    ("Plain text" from "Plain text (Markdown)", not "Markdown", which the Welsh "Testun plaen
    (Markdown)" has too.)
    """
    english, welsh = house_data()["en"], house_data()["cy"]
    pairs = [(house_newsroom("en")[name], house_newsroom("cy")[name]) for name in WORDS]
    pairs.append((english["site_title"], welsh["site_title"]))
    for name in ("accessibility_statement", "another_format"):
        pairs.append((" ".join(english[name]), " ".join(welsh[name])))
    found = set()
    for text, welsh_text in pairs:
        literal = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", " | ", text)
        for run in re.findall(r"[A-Za-z][A-Za-z’']*(?: [A-Za-z][A-Za-z’']*)*", literal):
            if run.lower() not in welsh_text.lower():
                found.add(run)
    return found


def english_left_on(text: str) -> list[str]:
    """The English phrases, month and day names and am/pm times found in ``text``."""
    words = [*english_phrases(), *calendar.month_name[1:], *calendar.day_name]
    left = [word for word in words if re.search(rf"(?<![\w’']){re.escape(word)}(?![\w’'])", text, re.IGNORECASE)]
    return left + re.findall(r"\d(?:am|pm)\b", text)


def manifest_entry(project: Path, force: str) -> dict[str, Any]:
    manifest = json.loads((project / "output" / "manifest.json").read_text(encoding="utf-8"))
    [entry] = [value for key, value in manifest["releases"].items() if key.endswith(f"/{force}.yaml")]
    return dict(entry)


@pytest.fixture
def house_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the house file that the toolkit reads instead of the shipped one, for this test only."""
    root = tmp_path / "package"
    (root / "data").mkdir(parents=True)
    copy_of = root / "data" / "house.yaml"
    shutil.copy(ROOT / "authoring" / "data" / "house.yaml", copy_of)
    caches = (house_data, house_words, house_newsroom)
    for cached in caches:
        cached.cache_clear()
    monkeypatch.setattr(campaign_module, "files", lambda package: root)
    yield copy_of
    monkeypatch.undo()
    for cached in caches:
        cached.cache_clear()


# --------------------------------------------------------------------------- Welsh throughout


def test_a_welsh_release_page_says_everything_in_welsh(built: Path) -> None:
    page = parsed(out(built) / WELSH_PAGE)

    assert page.get("lang") == "cy"
    assert page.findtext(".//title") == f"{WELSH_HEADLINE} – Datganiadau i’r wasg HMIC"
    assert texts(page, "//a[@class='skip-link']") == ["Neidio i’r prif gynnwys"]
    assert page.xpath("//nav[@class='breadcrumbs']/@aria-label") == ["Briwsion bara"]
    assert texts(page, "//nav[@class='breadcrumbs']//li") == ["Hafan", WELSH_TITLE, "Heddlu Dyfed-Powys"]
    assert page.xpath("//nav[@class='languages']/@aria-label") == ["Ieithoedd"]
    assert texts(page, "//p[@class='jump']") == [
        "Cyhoeddwyd 00:01 ar 18 Gorffennaf 2013: lawrlwythwch ef fel PDF, DOCX, MD"
    ]
    assert texts(page, "//section[@class='about']/h2") == ["Am y datganiad hwn"]
    assert texts(page, "//section[@class='about']//dt") == ["Cyhoeddwyd", "Oddi wrth", "Dyfarniad"]
    assert texts(page, "//section[@class='about']//dd") == [
        "00:01 ar 18 Gorffennaf 2013",
        "Arolygiaeth Cwnstabliaeth Ei Mawrhydi",
        "Angen gwella",  # the campaign's cy: verdict_names
    ]
    assert page.xpath("//section[@class='about']//dd/time/@datetime") == ["2013-07-18T00:01:00+01:00"]
    assert texts(page, "//section[@class='about']/h3") == ["Lawrlwytho"]
    labels = [link.text for link in page.xpath("//ul[@class='downloads']/li/a")]
    assert labels == ["PDF", "Dogfen Word (DOCX)", "Testun plaen (Markdown)"]
    assert all(
        re.fullmatch(r"\((PDF|DOCX|MD), [0-9.]+ (KB|MB|beit)\)", item.tail.strip())
        for item in page.xpath("//ul[@class='downloads']/li/a")
    )
    assert texts(page, "//footer//a") == [
        "Datganiad hygyrchedd",
        "Gofyn am ddatganiad mewn fformat arall",
        "Ffrwd Atom o bob datganiad",
    ]
    assert page.xpath("//footer//a/@href")[:2] == ["../../../accessibility/cy/", "../../../another-format/cy/"]


def test_no_english_word_of_the_newsroom_is_left_on_a_welsh_page(built: Path, bilingual: Path) -> None:
    assert {"Skip to main content", "Home", "Published", "Updated", "Word document", "in Welsh and English"} <= (
        english_phrases()
    )
    pages = [out(built) / WELSH_PAGE, out(bilingual) / WELSH_PAGE]
    pages += [out(built) / folder / "cy" / "index.html" for folder in ("accessibility", "another-format")]
    for path in pages:
        page = parsed(path)
        assert page.get("lang") == "cy", path
        assert english_left_on(chrome(page)) == [], path
    english = chrome(parsed(out(built) / ENGLISH_PAGE))
    assert {"Skip to main content", "Published", "Word document"} <= set(
        english_left_on(english)
    )  # the check sees them


def test_links_from_a_welsh_page_to_english_pages_say_so(built: Path) -> None:
    page = parsed(out(built) / WELSH_PAGE)
    base = URL + WELSH_PAGE
    welsh = {URL + f"{ROUND_2013}/dyfed-powys/cy/", URL + "accessibility/cy/", URL + "another-format/cy/"}
    for link in page.xpath("//body//a[@href]"):
        target = urljoin(base, link.get("href"))
        if target.startswith(URL) and target.endswith("/") and target not in welsh:  # a page, in English
            assert link.get("hreflang") == "en", lxml.html.tostring(link)
    [english] = page.xpath("//nav[@class='languages']//a")
    assert (english.text, english.get("lang"), english.get("hreflang")) == ("English", "en", "en")
    [welsh_link] = parsed(out(built) / ENGLISH_PAGE).xpath("//nav[@class='languages']//a")
    assert (welsh_link.text, welsh_link.get("lang"), welsh_link.get("hreflang")) == ("Cymraeg", "cy", "cy")
    assert page.xpath("//link[@rel='alternate'][@hreflang]/@hreflang") == ["en", "cy"]


def test_the_accessibility_pages_come_in_welsh_each_linking_to_the_other(built: Path) -> None:
    welsh = parsed(out(built) / "accessibility" / "cy" / "index.html")
    english = parsed(out(built) / "accessibility" / "index.html")

    assert welsh.get("lang") == "cy"
    assert texts(welsh, "//h1") == ["Datganiad hygyrchedd"]
    assert texts(welsh, "//main/p")[0].startswith("Arolygiaeth Cwnstabliaeth Ei Mawrhydi sy’n rhedeg y wefan hon.")
    assert "ar 020 7946 0600 (8:30yb – 5:30yh" in texts(welsh, "//main/p")[2]  # the Welsh office hours
    assert [(a.text, a.get("hreflang")) for a in welsh.xpath("//nav[@class='languages']//a")] == [("English", "en")]
    assert [(a.text, a.get("hreflang")) for a in english.xpath("//nav[@class='languages']//a")] == [("Cymraeg", "cy")]
    sitemap = (out(built) / "sitemap.xml").read_text(encoding="utf-8")
    assert f"<loc>{URL}accessibility/cy/</loc>" in sitemap
    assert f"<loc>{URL}another-format/cy/</loc>" in sitemap


def test_the_round_page_row_and_the_feed_entry_of_a_welsh_release_are_welsh(built: Path) -> None:
    round_page = parsed(out(built) / ROUND_2013 / "index.html")
    [row] = round_page.xpath("//tr[@lang='cy']")
    assert texts(row, "./*") == ["Heddlu Dyfed-Powys (Cymraeg)", "Angen gwella", WELSH_HEADLINE]
    assert round_page.get("lang") == "en-GB"

    for feed in ("feed.atom", f"{ROUND_2013}/feed.atom"):
        entries = feedparser.parse((out(built) / feed).read_bytes()).entries
        [welsh] = [entry for entry in entries if entry.id.endswith("/dyfed-powys/cy")]
        assert welsh.title == WELSH_HEADLINE
        assert welsh.title_detail.language == "cy"
        assert welsh.summary == "Heddlu Dyfed-Powys: Angen gwella."
        assert [tag.label for tag in welsh.tags] == [WELSH_TITLE]
        enclosures = [link.title for link in welsh.links if link.rel == "enclosure"]
        assert enclosures == ["PDF", "Dogfen Word (DOCX)", "Testun plaen (Markdown)"]
        [english] = [entry for entry in entries if entry.id.endswith("/dyfed-powys")]
        assert english.summary == "Dyfed-Powys Police: requires improvement."
        assert [link.title for link in english.links if link.rel == "enclosure"][1] == "Word document (DOCX)"


def test_a_correction_is_dated_in_welsh_on_the_welsh_page_row_and_feed(built: Path, tmp_path: Path) -> None:
    project = copy_project(built, tmp_path / "project")
    form = project / "forces" / ROUND_2013 / "dyfed-powys.yaml"
    form.write_text(
        form.read_text(encoding="utf-8")
        + "corrections:\n  - date: 2013-07-19\n    note:\n      en: Corrected a figure.\n"
        + "      cy: Cywirwyd ffigur.\n",
        encoding="utf-8",
    )
    rebatch(project, ROUND_2013)

    result = site(project, "--now", LATER, "--examples")

    assert result.exit_code == 0, result.output
    welsh = parsed(out(project) / WELSH_PAGE)
    assert texts(welsh, "//ul[@class='corrections']/li") == ["Diweddarwyd 19 Gorffennaf 2013: Cywirwyd ffigur."]
    assert welsh.xpath("//ul[@class='corrections']//time/@datetime") == ["2013-07-19"]
    english = parsed(out(project) / ENGLISH_PAGE)
    assert texts(english, "//ul[@class='corrections']/li") == ["Updated 19 July 2013: Corrected a figure."]
    [row] = parsed(out(project) / ROUND_2013 / "index.html").xpath("//tr[@lang='cy']")
    assert texts(row, ".//span[@class='updated']") == ["(diweddarwyd 19 Gorffennaf 2013)"]
    entries = feedparser.parse((out(project) / "feed.atom").read_bytes()).entries
    [entry] = [entry for entry in entries if entry.id.endswith("/dyfed-powys/cy")]
    assert entry.summary == "Diweddarwyd 19 Gorffennaf 2013: Cywirwyd ffigur. Heddlu Dyfed-Powys: Angen gwella."
    assert "<strong>Diweddarwyd 19 Gorffennaf 2013:</strong> Cywirwyd ffigur." in entry.content[0].value


def test_dates_times_and_sizes_in_welsh_come_from_cldr() -> None:
    welsh, english = house_site_words("cy"), house_site_words("en")
    afternoon = dt.datetime(2013, 3, 1, 14, 30, tzinfo=LONDON)
    assert welsh.when(afternoon) == "14:30 ar 1 Mawrth 2013"
    assert english.when(afternoon) == "2:30pm on 1 March 2013"
    assert welsh.when(dt.datetime(2013, 7, 17, 23, 1, tzinfo=dt.UTC)) == "00:01 ar 18 Gorffennaf 2013"  # BST
    assert welsh.day(dt.date(2012, 12, 11)) == "11 Rhagfyr 2012"
    assert (welsh.size(812), english.size(812), welsh.size(28_570)) == ("812 beit", "812 bytes", "27.9 KB")
    assert (welsh.tag, english.tag) == ("cy", "en-GB")


# --------------------------------------------------------------------------- English pages as they were


def test_english_pages_say_what_they_said(built: Path) -> None:
    """The English words, now data, print exactly as the templates printed them (a site with no Welsh is unchanged)."""
    release = (out(built) / ROUND_2012 / "thames-valley" / "index.html").read_text(encoding="utf-8")
    home = (out(built) / "index.html").read_text(encoding="utf-8")
    round_page = (out(built) / ROUND_2012 / "index.html").read_text(encoding="utf-8")
    for line in (
        '<html lang="en-GB">',
        '<a class="skip-link" href="#content">Skip to main content</a>',
        '<nav class="breadcrumbs" aria-label="Breadcrumb">',
        '    <li><a href="../../">Home</a></li>',
        f'    <li><a href="../../{ROUND_2012}/">Revisiting Police Relationships</a></li>',
        '<p class="jump"><a href="#about-heading">Published 12:01am on 11 December 2012: download it as PDF, DOCX, '
        "MD</a></p>",
        "    <dt>Published</dt>\n"
        '    <dd><time datetime="2012-12-11T00:01:00+00:00">12:01am on 11 December 2012</time></dd>\n'
        "    <dt>From</dt>",
        "    <dt>Verdict</dt>\n    <dd>Good progress</dd>",
        "  <h3>Download</h3>",
        '    <li><a href="../../accessibility/">Accessibility statement</a></li>\n'
        '    <li><a href="../../another-format/">Ask for a release in another format</a></li>\n'
        '    <li><a href="../../feed.atom">Atom feed of every release</a></li>',
    ):
        assert line in release, line
    assert 'download>Word document (DOCX)<span class="visually-hidden">' in release
    assert "hreflang" not in release
    assert (
        '<p>Published <time datetime="2012-12-11T00:01:00+00:00">12:01am on 11 December 2012</time>\n'
        "      · 3 releases</p>"
    ) in home
    assert "<title>Home – HMIC press releases</title>" in home
    assert (
        '<p>Published <time datetime="2012-12-11T00:01:00+00:00">12:01am on 11 December 2012</time> by Her Majesty’s '
        "Inspectorate of Constabulary.</p>\n<h2>National release</h2>\n"
        '<p><a href="national/">The national release</a></p>'
    ) in round_page
    assert '<tr><th scope="col">Force</th><th scope="col">Verdict</th><th scope="col">Release</th></tr>' in round_page


# --------------------------------------------------------------------------- the bilingual document


def test_both_pages_offer_the_bilingual_document_in_their_own_language(bilingual: Path) -> None:
    entry = manifest_entry(bilingual, "dyfed-powys")
    recorded = {key.split("@")[0]: record for key, record in entry["files"].items() if key.endswith("@cy+en")}
    assert sorted(recorded) == ["docx", "html", "md", "pdf"]
    listed = json.loads((out(bilingual) / ".authoring-site.json").read_text(encoding="utf-8"))
    labels = {
        ENGLISH_PAGE: ["PDF", "Word document (DOCX)", "Plain text (Markdown)"],
        WELSH_PAGE: ["PDF", "Dogfen Word (DOCX)", "Testun plaen (Markdown)"],
    }
    said = {ENGLISH_PAGE: " in Welsh and English (bilingual)", WELSH_PAGE: " yn Gymraeg ac yn Saesneg (dwyieithog)"}
    for name, page_labels in labels.items():
        page = parsed(out(bilingual) / name)
        links = page.xpath("//ul[@class='downloads']/li[@class='bilingual']/a")
        assert [link.text for link in links] == [label + said[name] for label in page_labels]
        for link, fmt in zip(links, ("pdf", "docx", "md"), strict=True):
            target = (out(bilingual) / name).parent / link.get("href")
            record = recorded[fmt]
            assert target.resolve().name == record["path"].rsplit("/", 1)[-1]
            assert target.resolve().parent == (out(bilingual) / ENGLISH_PAGE).parent  # copied once, beside the English
            assert hashlib.sha256(target.read_bytes()).hexdigest() == record["sha256"]
            assert target.resolve().relative_to(out(bilingual)).as_posix() in listed
        own = page.xpath("//ul[@class='downloads']/li[not(@class)]/a")
        assert [link.text for link in own] == page_labels  # and its own files, as before
    assert (out(bilingual) / ENGLISH_PAGE).parent.joinpath(recorded["pdf"]["path"].rsplit("/", 1)[-1]).read_bytes()[
        :5
    ] == b"%PDF-"
    assert not list(out(bilingual).rglob("*-cy-en.html"))  # each language has its page already
    entries = feedparser.parse((out(bilingual) / "feed.atom").read_bytes()).entries
    [welsh] = [entry for entry in entries if entry.id.endswith("/dyfed-powys/cy")]
    titles = [link.title for link in welsh.links if link.rel == "enclosure"]
    assert titles[3:] == [label + said[WELSH_PAGE] for label in labels[WELSH_PAGE]]
    assert [link.href for link in welsh.links if link.rel == "enclosure"][3].startswith(
        URL + f"{ROUND_2013}/dyfed-powys/20"
    )


def test_without_the_setting_no_page_offers_a_bilingual_document(built: Path) -> None:
    for name in (ENGLISH_PAGE, WELSH_PAGE):
        page = parsed(out(built) / name)
        assert page.xpath("//li[@class='bilingual']") == []
        assert "bilingual" not in chrome(page)
        assert "dwyieithog" not in chrome(page)
    assert not list(out(built).rglob("*-cy-en.*"))
    assert not any(key.endswith("@cy+en") for key in manifest_entry(built, "dyfed-powys")["files"])


# --------------------------------------------------------------------------- the words are data


def test_a_welsh_word_changed_in_the_house_file_is_on_the_welsh_page(house_file: Path, tmp_path: Path) -> None:
    edit(house_file, "    home: Hafan\n", "    home: Tudalen gartref\n")
    edit(house_file, "    verdict: Dyfarniad\n", '    verdict: "<script>alert(1)</script> & Barn"\n')
    edit(
        house_file,
        '  site_title: "Datganiadau i’r wasg {{ organisation_short }}"',
        '  site_title: "Newyddion {{ organisation_short }}"',
    )
    shutil.copytree(ROOT / "forces" / ROUND_2013, tmp_path / "forces" / ROUND_2013)
    report = run_batch([tmp_path / "forces" / ROUND_2013], out_dir=tmp_path / "output", jobs=1)
    assert report.ok, report.outcomes

    result = site(tmp_path, "--now", LATER, "--examples")

    assert result.exit_code == 0, result.output
    data = (out(tmp_path) / WELSH_PAGE).read_bytes()
    page = lxml.html.fromstring(data)
    assert texts(page, "//nav[@class='breadcrumbs']//li")[0] == "Tudalen gartref"
    assert page.findtext(".//title") == f"{WELSH_HEADLINE} – Newyddion HMIC"
    assert texts(page, "//section[@class='about']//dt")[2] == "<script>alert(1)</script> & Barn"
    assert b"<script" not in data
    assert b"&lt;script&gt;alert(1)&lt;/script&gt; &amp; Barn" in data
    english = parsed(out(tmp_path) / ENGLISH_PAGE)
    assert texts(english, "//nav[@class='breadcrumbs']//li")[0] == "Home"
    assert texts(english, "//section[@class='about']//dt")[2] == "Verdict"


def test_a_campaign_may_change_the_welsh_words_and_hostile_text_stays_text(built: Path, tmp_path: Path) -> None:
    hostile = '<script>alert(1)</script> ]]> &amp; "Hafan" <!-- x -->'
    project = copy_project(built, tmp_path / "project")
    edit(
        project / "forces" / ROUND_2013 / "campaign.yaml",
        "    notes_heading: Nodiadau i olygyddion\n",
        "    notes_heading: Nodiadau i olygyddion\n"
        f"    site_title: {json.dumps(hostile)}\n"
        "    newsroom:\n"
        f"      home: {json.dumps(hostile)}\n",
    )
    rebatch(project, ROUND_2013)

    result = site(project, "--now", LATER, "--examples")

    assert result.exit_code == 0, result.output
    data = (out(project) / WELSH_PAGE).read_bytes()
    page = lxml.html.fromstring(data)
    assert texts(page, "//nav[@class='breadcrumbs']//li")[0] == hostile
    assert page.findtext(".//title").endswith(f" – {hostile}")
    assert b"<script" not in data
    assert b"<!-- x -->" not in data
    english = parsed(out(project) / ENGLISH_PAGE)
    assert texts(english, "//nav[@class='breadcrumbs']//li")[0] == "Home"  # English words unchanged
    for feed in ("feed.atom", f"{ROUND_2013}/feed.atom"):
        assert b"<script" not in (out(project) / feed).read_bytes()


def test_an_edited_manifest_s_welsh_words_are_escaped_or_replaced(built: Path, tmp_path: Path) -> None:
    project = copy_project(built, tmp_path / "project")
    manifest_path = project / "output" / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    [key] = [key for key in manifest["releases"] if key.endswith("/dyfed-powys.yaml")]
    twin = manifest["releases"][key]["release"]["translations"][0]
    words = twin["round"]["site_words"]["newsroom"]
    words["home"] = "{{ 1 / 0 }}"  # cannot be phrased: the house file's word instead
    words["about"] = "{{ __class__ }}"
    words["download"] = "</h3><script>x()</script>"
    words["no_such_word"] = "<script>"
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")

    result = site(project, "--now", LATER, "--examples")

    assert result.exit_code == 0, result.output
    data = (out(project) / WELSH_PAGE).read_bytes()
    page = lxml.html.fromstring(data)
    assert texts(page, "//nav[@class='breadcrumbs']//li")[0] == "Hafan"
    assert texts(page, "//section[@class='about']/h2") == ["Am y datganiad hwn"]
    assert texts(page, "//section[@class='about']/h3") == ["</h3><script>x()</script>"]
    assert b"<script" not in data


def test_a_record_from_before_the_welsh_words_shows_the_house_file_s_welsh(built: Path, tmp_path: Path) -> None:
    project = copy_project(built, tmp_path / "project")
    manifest_path = project / "output" / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    for entry in manifest["releases"].values():
        record = entry["release"]
        record["round"]["site_words"].pop("newsroom", None)
        for twin in record.get("translations", []):
            twin.pop("round", None)
            twin.pop("verdict_name", None)
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")

    result = site(project, "--now", LATER, "--examples")

    assert result.exit_code == 0, result.output
    page = parsed(out(project) / WELSH_PAGE)
    assert page.get("lang") == "cy"
    assert english_left_on(chrome(page)) == []
    assert texts(page, "//section[@class='about']//dt") == ["Cyhoeddwyd", "Oddi wrth"]  # no Welsh verdict recorded
    assert texts(parsed(out(project) / ENGLISH_PAGE), "//section[@class='about']//dt")[0] == "Published"


# --------------------------------------------------------------------------- validate


def test_validate_names_each_mistake_in_the_newsroom_s_words_at_its_line(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "forces" / ROUND_2013, tmp_path / "forces" / ROUND_2013)
    campaign = tmp_path / "forces" / ROUND_2013 / "campaign.yaml"
    edit(
        campaign,
        "  notes_heading: Notes for editors  # this round changes a press office default\n",
        "  notes_heading: Notes for editors  # this round changes a press office default\n"
        "  newsroom:\n"
        '    updated: "Updated {{ when }}:"\n'
        '    release_count: "{{ count }} {{ plural(count) }}"\n',
    )
    edit(campaign, "    good: Da\n", "    good: Da\n    great: Gwych\n")
    edit(
        campaign,
        "    notes_heading: Nodiadau i olygyddion\n",
        '    notes_heading: Nodiadau i olygyddion\n    newsroom:\n      home: "{{ date }}"\n',
    )
    lines = campaign.read_text(encoding="utf-8").splitlines()

    result = CliRunner().invoke(app, ["validate", str(tmp_path / "forces" / ROUND_2013)])

    assert result.exit_code == 1
    at = {
        name: lines.index(line) + 1
        for name, line in (
            ("updated", '    updated: "Updated {{ when }}:"'),
            ("release_count", '    release_count: "{{ count }} {{ plural(count) }}"'),
            ("great", "    great: Gwych"),
            ("home", '      home: "{{ date }}"'),
        )
    }
    assert (
        f"campaign.yaml:{at['updated']}:14: sentences.newsroom.updated: no placeholder 'when' here; it may use: date"
        in result.stderr
    )
    assert (
        f"campaign.yaml:{at['release_count']}:20: sentences.newsroom.release_count: the template failed: "
        in result.stderr
    )
    assert (
        f"campaign.yaml:{at['great']}:12: cy.verdict_names.great: the English has no 'great' in verdicts"
        in result.stderr
    )
    assert (
        f"campaign.yaml:{at['home']}:13: cy.sentences.newsroom.home: no placeholder 'date' here; it takes none: "
        "write it as words alone"
    ) in result.stderr


def test_validate_refuses_a_word_the_newsroom_has_not(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "forces" / ROUND_2013, tmp_path / "forces" / ROUND_2013)
    campaign = tmp_path / "forces" / ROUND_2013 / "campaign.yaml"
    edit(
        campaign,
        "  notes_heading: Notes for editors  # this round changes a press office default\n",
        "  notes_heading: Notes for editors  # this round changes a press office default\n"
        "  newsroom:\n    hom: Front\n",
    )
    line = campaign.read_text(encoding="utf-8").splitlines().index("    hom: Front") + 1

    result = CliRunner().invoke(app, ["validate", str(tmp_path / "forces" / ROUND_2013)])

    assert result.exit_code == 1
    assert f"campaign.yaml:{line}:10: sentences.newsroom.hom: the newsroom has no word 'hom'; did you mean 'home'?" in (
        result.stderr
    )


def test_every_newsroom_word_has_a_welsh_default_and_is_documented() -> None:
    english, welsh = house_newsroom("en"), house_newsroom("cy")
    assert set(english) == set(welsh) == set(WORDS)
    assert all(welsh[name] != english[name] for name in WORDS if name not in ("pdf",))
    site_doc = (ROOT / "docs" / "site.md").read_text(encoding="utf-8")
    welsh_doc = (ROOT / "docs" / "welsh.md").read_text(encoding="utf-8")
    for name in WORDS:
        assert f"| `{name}` | `{english[name]}` | `{welsh[name]}` |" in site_doc, name
    assert f"`newsroom:` ({len(WORDS)} words)" in welsh_doc
    for word in ("site_title", "accessibility_statement", "newsroom:"):
        row = next(line for line in welsh_doc.splitlines() if line.startswith(f"| `{word}"))
        assert "needs a Welsh speaker's check" in row
