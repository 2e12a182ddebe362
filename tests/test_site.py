"""`authoring site`: the newsroom from a real batch's output — the embargo, drafts, feeds, corrections, safety."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest

from authoring.build.batch import run_batch
from authoring.build.facts import DEFAULT_LANGUAGE
from authoring.render.environment import Templates
from authoring.site.catalogue import catalogue
from authoring.site.clock import LONDON
from authoring.site.content import release_body
from authoring.site.feeds import atom_feed, xml_text
from authoring.site.publish import site_files as make_site_files
from tests.batch_helpers import edit
from tests.conftest import ROOT
from tests.readback import html_text
from tests.site_helpers import (
    AT_2012,
    ATOM,
    BEFORE_2012,
    LATER,
    ROUND_2012,
    ROUND_2013,
    URL,
    atom_problems,
    batched_project,
    copy_project,
    rebatch,
    site,
    site_files,
    sitemap_locations,
)

FORCES_2012 = ("bedfordshire", "british-transport-police", "thames-valley")
FORCES_2013 = ("dyfed-powys", "kent")  # metropolitan is a draft
PAGE = f"{ROUND_2012}/thames-valley/index.html"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Both rounds of the repository, built once by a real batch (copied for each test that changes it)."""
    return batched_project(tmp_path_factory.mktemp("built"))


@pytest.fixture
def project(built: Path, tmp_path: Path) -> Path:
    return copy_project(built, tmp_path / "project")


def out(project: Path) -> Path:
    return project / "output" / "site"


def everything(project: Path) -> str:
    """Every page, feed and sitemap of the site as one text, to look for a release anywhere."""
    return "\n".join(
        data.decode("utf-8", errors="replace")
        for name, data in site_files(out(project)).items()
        if name.endswith((".html", ".atom", ".xml", ".txt"))
    )


# --------------------------------------------------------------------------- the embargo and drafts


def test_before_the_embargo_no_page_feed_or_sitemap_shows_the_round(project: Path) -> None:
    result = site(project, "--now", BEFORE_2012)

    assert result.exit_code == 0, result.output
    text = everything(project)
    for force in (*FORCES_2012, *FORCES_2013):
        assert force not in text
    assert "Thames Valley" not in text
    assert "Revisiting Police Relationships" not in text
    assert not (out(project) / ROUND_2012).exists()
    assert "revisiting-police-relationships-2012: embargoed until 2012-12-11 00:01 (GMT); run again then" in (
        result.stderr
    )
    assert "No press releases have been published yet." in html_text((out(project) / "index.html").read_bytes())
    assert feedparser.parse((out(project) / "feed.atom").read_bytes()).entries == []


def test_running_again_after_the_embargo_publishes_it_everywhere(project: Path) -> None:
    site(project, "--now", BEFORE_2012)
    result = site(project, "--now", AT_2012)

    assert result.exit_code == 0, result.output
    files = site_files(out(project))
    for force in FORCES_2012:
        page = f"{ROUND_2012}/{force}/index.html"
        assert page in files
        assert f'href="{force}/"' in files[f"{ROUND_2012}/index.html"].decode()
        assert f"{URL}{ROUND_2012}/{force}/" in sitemap_locations(files["sitemap.xml"])
    office = feedparser.parse(files["feed.atom"])
    assert sorted(entry.link for entry in office.entries) == [f"{URL}{ROUND_2012}/{f}/" for f in FORCES_2012]
    assert len(feedparser.parse(files[f"{ROUND_2012}/feed.atom"]).entries) == 3
    assert ROUND_2013 not in everything(project)  # its embargo is months away
    assert str(out(project) / PAGE) in result.stdout.splitlines()


def test_the_embargo_is_london_time_in_summer_too(project: Path) -> None:
    """00:01 on 18 July 2013 is British Summer Time: 23:01 UTC the day before."""
    assert site(project, "--now", "2013-07-17T23:00:59Z", "--examples").exit_code == 0
    assert ROUND_2013 not in everything(project)

    assert site(project, "--now", "2013-07-17T23:01:00+00:00", "--examples").exit_code == 0
    files = site_files(out(project))
    assert {f"{ROUND_2013}/{force}/index.html" for force in FORCES_2013} <= set(files)
    assert b'datetime="2013-07-18T00:01:00+01:00"' in files[f"{ROUND_2013}/index.html"]


def test_a_draft_never_appears(project: Path) -> None:
    result = site(project, "--now", LATER, "--examples")  # the draft is in the example round

    assert result.exit_code == 0, result.output
    assert "metropolitan" not in everything(project)
    assert "1 draft left out" in result.stderr
    assert not (out(project) / ROUND_2013 / "metropolitan").exists()


def test_the_home_page_lists_rounds_newest_first(project: Path) -> None:
    site(project, "--now", LATER, "--examples")

    home = html_text((out(project) / "index.html").read_bytes())
    assert home.index("Value for Money in Policing 2013") < home.index("Revisiting Police Relationships")


def test_a_release_made_a_draft_again_is_taken_down(project: Path) -> None:
    site(project, "--now", LATER)
    edit(project / "forces" / ROUND_2012 / "thames-valley.yaml", "status: final", "status: draft")
    rebatch(project)

    result = site(project, "--now", LATER)

    assert result.exit_code == 0, result.output
    assert not (out(project) / ROUND_2012 / "thames-valley").exists()
    assert "thames-valley" not in everything(project)
    assert " 0 removed" not in result.stderr


# --------------------------------------------------------------------------- example rounds


def test_an_example_round_is_left_out_by_default_from_every_page_feed_and_the_sitemap(project: Path) -> None:
    result = site(project, "--now", LATER)

    assert result.exit_code == 0, result.output
    assert (
        f"left out: forces/{ROUND_2013}: an example round (its campaign says 'round: example'); --examples includes it"
    ) in result.stderr.splitlines()
    assert "Site: 3 releases in 1 round; 1 example round left out; " in result.stderr
    assert "draft" not in result.stderr  # the example round's draft is left out with it, not counted
    text = everything(project)
    assert ROUND_2013 not in text
    for words in ("Value for Money", "Dyfed-Powys", "Heddlu", "Kent", "example inspection"):
        assert words not in text, words
    assert not (out(project) / ROUND_2013).exists()
    assert not any(name.startswith(ROUND_2013) for name in site_files(out(project)))
    office = feedparser.parse((out(project) / "feed.atom").read_bytes())
    assert sorted(entry.link for entry in office.entries) == [f"{URL}{ROUND_2012}/{f}/" for f in FORCES_2012]
    assert not any(
        location.startswith(URL + ROUND_2013)
        for location in sitemap_locations((out(project) / "sitemap.xml").read_bytes())
    )
    home = html_text((out(project) / "index.html").read_bytes())
    assert "Revisiting Police Relationships" in home
    assert str(out(project) / PAGE) in result.stdout.splitlines()


def test_examples_includes_them_to_try_the_site_out_and_the_next_run_without_takes_them_down(project: Path) -> None:
    tried = site(project, "--now", LATER, "--examples")

    assert tried.exit_code == 0, tried.output
    assert "left out" not in tried.stderr.replace("1 draft left out", "")
    assert "Site: 6 releases in 2 rounds; 1 draft left out; " in tried.stderr  # Dyfed-Powys's in two languages
    files = site_files(out(project))
    assert {f"{ROUND_2013}/{force}/index.html" for force in FORCES_2013} <= set(files)
    assert f"{ROUND_2013}/dyfed-powys/cy/index.html" in files
    assert f"{ROUND_2013}/feed.atom" in files
    assert any(loc.startswith(URL + ROUND_2013) for loc in sitemap_locations(files["sitemap.xml"]))
    assert len(feedparser.parse(files["feed.atom"]).entries) == 6

    public = site(project, "--now", LATER)  # the next run for the public: the tryout's files go

    assert public.exit_code == 0, public.output
    assert " 0 removed" not in public.stderr
    assert not (out(project) / ROUND_2013).exists()
    assert ROUND_2013 not in everything(project)
    assert len(feedparser.parse((out(project) / "feed.atom").read_bytes()).entries) == 3


def test_the_site_takes_no_words_from_a_round_it_leaves_out(project: Path) -> None:
    campaign = project / "forces" / ROUND_2013 / "campaign.yaml"  # the newest round, an example
    edit(campaign, "  notes_heading: Notes for editors", '  notes_heading: Notes for editors\n  site_title: "Invented"')
    rebatch(project, ROUND_2013)

    assert site(project, "--now", LATER).exit_code == 0
    assert "Invented" not in everything(project)
    assert site(project, "--now", LATER, "--examples").exit_code == 0
    assert "<title>Home – Invented</title>" in (out(project) / "index.html").read_text(encoding="utf-8")


def test_the_batch_records_each_rounds_state_and_a_record_from_before_it_did_is_shown(project: Path) -> None:
    manifest_path = project / "output" / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    states = {key.split("/")[1]: entry["release"]["round"]["state"] for key, entry in manifest["releases"].items()}
    assert states == {ROUND_2012: "open", ROUND_2013: "example"}
    for entry in manifest["releases"].values():  # as a batch before rounds recorded their state wrote it
        del entry["release"]["round"]["state"]
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")

    assert site(project, "--now", LATER).exit_code == 0
    assert (out(project) / ROUND_2013 / "kent" / "index.html").is_file()  # nothing says it is an example
    rebatch(project, ROUND_2013)  # the next batch records it (even with nothing to rebuild)
    result = site(project, "--now", LATER)
    assert f"left out: forces/{ROUND_2013}: an example round" in result.stderr
    assert not (out(project) / ROUND_2013).exists()


def test_one_record_saying_example_leaves_the_whole_round_out(project: Path) -> None:
    manifest_path = project / "output" / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    [key] = [key for key in manifest["releases"] if key.endswith(f"{ROUND_2012}/bedfordshire.yaml")]
    manifest["releases"][key]["release"]["round"]["state"] = "example"  # an older build, before the round opened
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")

    result = site(project, "--now", LATER)

    assert f"left out: forces/{ROUND_2012}: an example round" in result.stderr
    assert not (out(project) / ROUND_2012).exists()


def test_the_help_names_the_option() -> None:
    from typer.testing import CliRunner

    from authoring.cli.app import app

    result = CliRunner().invoke(app, ["site", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "--examples" in result.stdout
    assert "Include the example rounds" in result.stdout


# --------------------------------------------------------------------------- pages


def test_the_round_page_lists_every_force_with_its_verdict_and_link(project: Path) -> None:
    site(project, "--now", LATER)

    text = html_text((out(project) / ROUND_2012 / "index.html").read_bytes())
    assert "Thames Valley Police Good progress Thames Valley Police has made good progress" in text
    assert "Bedfordshire Police Improvements Bedfordshire Police has made improvements" in text
    assert "British Transport Police Some improvements" in text


def test_the_release_page_shows_the_release_its_downloads_and_when_it_was_published(project: Path) -> None:
    site(project, "--now", LATER)

    page = (out(project) / PAGE).read_bytes()
    text = html_text(page)
    built = next((project / "output" / "thames-valley").glob("*.html")).read_bytes()
    assert html_text(built).split("Notes to editors")[0].strip()[-200:] in text  # the release itself
    assert "Published 12:01am on 11 December 2012" in text
    pdf = next((out(project) / ROUND_2012 / "thames-valley").glob("*.pdf"))
    docx = next((out(project) / ROUND_2012 / "thames-valley").glob("*.docx"))
    assert pdf.read_bytes() == next((project / "output" / "thames-valley").glob("*.pdf")).read_bytes()
    assert f"PDF: {text.split('PDF: ')[1].split(' (')[0]} (PDF, " in text
    assert f"(PDF, {pdf.stat().st_size / 1024:.1f} KB)" in text
    assert f"(DOCX, {docx.stat().st_size / 1024:.1f} KB)" in text
    assert f'href="{pdf.name}"'.encode() in page
    assert f'href="{docx.name}"'.encode() in page
    assert b"<script" not in page
    assert b"<main" in page
    assert page.count(b"<main") == 1


def test_the_accessibility_and_another_format_pages_carry_the_house_words(project: Path) -> None:
    site(project, "--now", LATER)

    statement = html_text((out(project) / "accessibility" / "index.html").read_bytes())
    other = html_text((out(project) / "another-format" / "index.html").read_bytes())
    assert "This website is run by Her Majesty's Inspectorate of Constabulary." in statement
    assert "large print, easy read, an audio recording or braille" in other
    assert "0800 000 0000" in other or "press office on" in other


def test_a_campaign_may_change_the_site_words(project: Path) -> None:
    campaign = project / "forces" / ROUND_2013 / "campaign.yaml"
    edit(campaign, "  notes_heading: Notes for editors", '  notes_heading: Notes for editors\n  site_title: "Newsroom"')
    rebatch(project, ROUND_2013)

    site(project, "--now", LATER, "--examples")  # the newest round's words

    assert "<title>Home – Newsroom</title>" in (out(project) / "index.html").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- feeds and sitemap


def test_every_feed_parses_with_feedparser_and_is_valid_atom(project: Path) -> None:
    site(project, "--now", LATER, "--examples")  # the example round has a Welsh release

    feeds = {name: data for name, data in site_files(out(project)).items() if name.endswith(".atom")}
    assert set(feeds) == {"feed.atom", f"{ROUND_2012}/feed.atom", f"{ROUND_2013}/feed.atom"}
    for name, data in feeds.items():
        assert atom_problems(data) == [], name
        parsed = feedparser.parse(data)
        assert not parsed.bozo, (name, parsed.get("bozo_exception"))
        assert parsed.version == "atom10"
        for entry in parsed.entries:
            assert entry.id.startswith("tag:www.hmic.gov.uk,")
            assert entry.updated_parsed
            assert entry.published_parsed
            welsh = entry.id.endswith("/cy")  # the example round's Dyfed-Powys release is bilingual (issue 21)
            organisation = (
                "Arolygiaeth Cwnstabliaeth Ei Mawrhydi" if welsh else "Her Majesty’s Inspectorate of Constabulary"
            )
            assert entry.author == organisation
            enclosures = {link.type: int(link.length) for link in entry.links if link.rel == "enclosure"}
            assert enclosures["application/pdf"] > 1000
            assert ("Nodiadau" if welsh else "Notes") in entry.content[0].value
    assert len(feedparser.parse(feeds["feed.atom"]).entries) == 6  # five releases, one of them also in Welsh


def test_the_sitemap_lists_every_page_by_its_whole_address(project: Path) -> None:
    site(project, "--now", LATER)

    locations = sitemap_locations((out(project) / "sitemap.xml").read_bytes())
    pages = {
        path.parent.relative_to(out(project)).as_posix() for path in out(project).rglob("index.html")
    }  # every page of the site
    assert sorted(locations) == sorted(URL + ("" if page == "." else page + "/") for page in pages)
    assert f"Sitemap: {URL}sitemap.xml" in (out(project) / "robots.txt").read_text(encoding="utf-8")


def test_a_correction_updates_the_entry_and_shows_on_the_page(project: Path) -> None:
    site(project, "--now", LATER)
    before = {entry.id: entry for entry in feedparser.parse((out(project) / "feed.atom").read_bytes()).entries}
    form = project / "forces" / ROUND_2012 / "thames-valley.yaml"
    form.write_text(
        form.read_text(encoding="utf-8")
        + "corrections:\n  - date: 2012-12-12\n    note: Corrected the number of second jobs approved.\n",
        encoding="utf-8",
    )
    rebatch(project)

    result = site(project, "--now", LATER)

    assert result.exit_code == 0, result.output
    page = html_text((out(project) / PAGE).read_bytes())
    assert "Updated 12 December 2012: Corrected the number of second jobs approved." in page
    after = {entry.id: entry for entry in feedparser.parse((out(project) / "feed.atom").read_bytes()).entries}
    assert set(after) == set(before)  # the same entries: none new
    [changed] = [key for key in after if after[key].updated != before[key].updated]
    assert changed.endswith(f":{ROUND_2012}/thames-valley")
    assert after[changed].updated == "2012-12-12T00:00:00Z"
    assert after[changed].published == before[changed].published
    assert "Updated 12 December 2012: Corrected the number" in after[changed].summary
    round_feed = feedparser.parse((out(project) / ROUND_2012 / "feed.atom").read_bytes())
    assert round_feed.feed.updated == "2012-12-12T00:00:00Z"


# --------------------------------------------------------------------------- same bytes, only what changed


def test_the_same_input_gives_the_same_bytes_and_a_rerun_writes_nothing(project: Path, tmp_path: Path) -> None:
    first = site(project, "--now", LATER)
    files = site_files(out(project))
    times = {path: path.stat().st_mtime_ns for path in out(project).rglob("[!.]*") if path.is_file()}

    again = site(project, "--now", LATER)
    elsewhere = site(project, "--now", LATER, out=tmp_path / "elsewhere")

    assert first.exit_code == again.exit_code == elsewhere.exit_code == 0
    assert again.stdout == ""
    assert "0 files written" in again.stderr
    assert "0 removed" in again.stderr
    assert {path: path.stat().st_mtime_ns for path in out(project).rglob("[!.]*") if path.is_file()} == times
    assert site_files(tmp_path / "elsewhere") == files


def test_only_the_changed_release_is_rewritten(project: Path) -> None:
    site(project, "--now", LATER)
    edit(
        project / "forces" / ROUND_2012 / "bedfordshire.yaml",
        "quote:",
        "corrections:\n  - {date: 2012-12-13, note: A fix.}\nquote:",
    )
    rebatch(project)

    result = site(project, "--now", LATER)

    written = {Path(line).relative_to(out(project)).as_posix() for line in result.stdout.splitlines()}
    assert f"{ROUND_2012}/bedfordshire/index.html" in written
    assert not any(path.startswith((f"{ROUND_2012}/thames-valley/", ROUND_2013)) for path in written)
    assert "accessibility/index.html" not in written


def test_a_rehearsal_into_the_live_folder_is_undone_by_the_next_run(project: Path) -> None:
    (out(project)).mkdir(parents=True)
    (out(project) / "notes.txt").write_text("the web team's own file", encoding="utf-8")
    site(project, "--now", LATER)

    result = site(project, "--now", BEFORE_2012)

    assert result.exit_code == 0
    assert sorted(site_files(out(project))) == sorted(
        [
            "accessibility/index.html",
            "another-format/index.html",
            "feed.atom",
            "index.html",
            "notes.txt",
            "robots.txt",
            "site.css",
            "sitemap.xml",
        ]
    )
    assert not (out(project) / ROUND_2012).exists()


# --------------------------------------------------------------------------- what goes wrong


def test_a_form_edited_after_the_batch_is_shown_as_it_was_built(project: Path) -> None:
    edit(
        project / "forces" / ROUND_2012 / "bedfordshire.yaml",
        "quote:",
        "after_findings: [An unbuilt paragraph.]\nquote:",
    )

    result = site(project, "--now", LATER)

    assert result.exit_code == 0, result.output
    page = html_text((out(project) / ROUND_2012 / "bedfordshire" / "index.html").read_bytes())
    assert "Bedfordshire Police has made improvements" in page
    assert "An unbuilt paragraph." not in page  # the site shows the files the batch built, and what they say


def test_a_form_that_fails_now_keeps_its_last_good_release_on_the_site(project: Path) -> None:
    site(project, "--now", LATER)
    before = (out(project) / PAGE).read_bytes()
    edit(project / "forces" / ROUND_2012 / "thames-valley.yaml", "grade: good-progress", "grade: splendid")
    report = run_batch([project / "forces" / ROUND_2012], out_dir=project / "output", jobs=1)
    assert not report.ok

    result = site(project, "--now", LATER)

    assert result.exit_code == 0, result.output
    assert (out(project) / PAGE).read_bytes() == before
    assert "thames-valley/" in (out(project) / ROUND_2012 / "index.html").read_text(encoding="utf-8")


def test_a_manifest_from_before_the_site_says_to_run_the_batch(project: Path) -> None:
    manifest_path = project / "output" / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    for entry in manifest["releases"].values():
        del entry["release"]
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")

    result = site(project, "--now", LATER)

    assert result.exit_code == 1
    assert f"forces/{ROUND_2012}/thames-valley.yaml: not published: run 'authoring batch' to record" in result.stderr
    rebatch(project)
    rebatch(project, ROUND_2013)
    assert site(project, "--now", LATER).exit_code == 0
    assert (out(project) / PAGE).is_file()


def test_an_edited_manifest_record_is_data_never_markup(project: Path) -> None:
    manifest_path = project / "output" / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    [key] = [key for key in manifest["releases"] if key.endswith("/thames-valley.yaml")]
    manifest["releases"][key]["release"]["headline"] = "<script>alert(1)</script>\u0007\u0000 & ]]>"
    manifest["releases"][key]["release"]["round"]["site_words"]["site_title"] = "</title><script>x()</script>"
    [other] = [key for key in manifest["releases"] if key.endswith("/bedfordshire.yaml")]
    manifest["releases"][other]["release"]["corrections"] = [{"date": "never", "note": 5}]
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")

    result = site(project, "--now", LATER)

    assert result.exit_code == 1
    assert f"{other}: not published: its record in manifest.json is damaged" in result.stderr
    for name, data in site_files(out(project)).items():
        assert b"<script>" not in data, name
    for name in ("feed.atom", f"{ROUND_2012}/feed.atom", "sitemap.xml"):
        ET.fromstring((out(project) / name).read_bytes())  # well-formed XML, whatever the record held
    assert atom_problems((out(project) / "feed.atom").read_bytes()) == []


def test_a_release_file_changed_after_the_batch_is_not_published(project: Path) -> None:
    pdf = next((project / "output" / "kent").glob("*.pdf"))
    pdf.write_bytes(pdf.read_bytes() + b"tampered")

    result = site(project, "--now", LATER, "--examples")

    assert result.exit_code == 1
    assert "is missing or was changed after the batch wrote it" in result.stderr
    assert not (out(project) / ROUND_2013 / "kent").exists()


def test_without_a_batch_it_says_to_run_one(tmp_path: Path) -> None:
    result = site(tmp_path, "--now", LATER)

    assert result.exit_code == 2
    assert "has no manifest.json: run 'authoring batch' first, then 'authoring site'" in result.stderr


def test_a_time_that_is_no_time_is_a_usage_error(project: Path) -> None:
    result = site(project, "--now", "11/12/2012 9am")

    assert result.exit_code == 2
    assert "is not a time; write it in ISO 8601, e.g. 2012-12-11T09:00" in result.stderr


def test_the_site_folder_is_never_written_through_a_link(project: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    link = tmp_path / "linked-site"
    link.symlink_to(elsewhere)

    result = site(project, "--now", LATER, out=link)

    assert result.exit_code == 1
    assert "it is a symbolic link" in result.stderr
    assert list(elsewhere.iterdir()) == []


def test_a_link_planted_inside_the_site_folder_is_refused(project: Path, tmp_path: Path) -> None:
    site(project, "--now", BEFORE_2012)
    victim = tmp_path / "victim"
    victim.mkdir()
    (out(project) / ROUND_2012).symlink_to(victim)

    result = site(project, "--now", LATER)

    assert result.exit_code == 1
    assert f"{out(project) / ROUND_2012} is a symbolic link; remove it and run again" in result.stderr
    assert list(victim.iterdir()) == []


def test_an_edited_manifest_never_leads_outside_the_output(project: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text("force: kent\n", encoding="utf-8")
    manifest_path = project / "output" / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    [key] = [key for key in manifest["releases"] if key.endswith("/kent.yaml")]
    entry = manifest["releases"][key]
    entry["files"]["pdf"]["path"] = "../../secret.yaml"
    manifest["releases"]["../secret.yaml"] = dict(entry)
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")

    result = site(project, "--now", LATER, "--examples")

    assert result.exit_code == 1  # kent's PDF record points elsewhere: not published
    assert "secret" not in everything(project)
    assert not (out(project) / ROUND_2013 / "kent").exists()


# --------------------------------------------------------------------------- hostile text


def test_hostile_text_in_a_form_is_text_on_every_page_and_feed(project: Path) -> None:
    hostile = '<script>alert(1)</script> ]]> &amp; "quoted" <!-- x --> {{ 7*7 }}'
    form = project / "forces" / ROUND_2012 / "thames-valley.yaml"
    form.write_text(
        form.read_text(encoding="utf-8")
        + f"corrections:\n  - date: 2012-12-12\n    note: {json.dumps(hostile)}\n"
        + f"after_findings:\n  - {json.dumps(hostile)}\n",
        encoding="utf-8",
    )
    rebatch(project)

    result = site(project, "--now", LATER)

    assert result.exit_code == 0, result.output
    page = (out(project) / PAGE).read_bytes()
    assert b"<script" not in page
    assert b"<!-- x -->" not in page
    assert hostile in html_text(page)
    for name in ("feed.atom", f"{ROUND_2012}/feed.atom"):
        data = (out(project) / name).read_bytes()
        assert atom_problems(data) == []
        [entry] = [e for e in feedparser.parse(data).entries if e.id.endswith("/thames-valley")]
        assert hostile in entry.summary
        assert "<script" not in entry.content[0].value
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in entry.content[0].value


def test_control_characters_never_break_the_feed(project: Path) -> None:
    """Forms refuse control characters; were one to reach a feed, it would be replaced, never written raw."""
    shown = catalogue(project / "output", now=dt.datetime(2014, 1, 1, tzinfo=LONDON))
    round_ = shown.rounds[-1]
    release = dataclasses.replace(round_.releases[0], headline="Bell\x07 and\x00 null\x1b[31m \ufffe end")
    round_.releases[0] = release

    data = atom_feed(
        title="t\x0c",
        feed_id="tag:x,2012:y",
        url=URL,
        self_url=URL + "feed.atom",
        author="a",
        entries=[(release, round_)],
        base_url=URL,
    )

    assert atom_problems(data) == []
    assert not feedparser.parse(data).bozo
    assert ET.fromstring(data).find(f"{ATOM}entry/{ATOM}title").text == "Bell\ufffd and\ufffd null\ufffd[31m \ufffd end"
    assert xml_text("tab\tnew\nline\r") == "tab\tnew\nline\r"


def test_the_release_body_keeps_only_safe_markup() -> None:
    hostile = (
        b'<html><head><title>x</title><meta charset="utf-8"><style>p{}</style></head><body onload="x()">'
        b'<header><h1 onclick="x()">Title</h1></header><main><p>Text <a href="javascript:alert(1)">link</a> '
        b'<a href="https://ok.example/">ok</a><img src=x onerror=alert(1)></p><script>alert(1)</script>'
        b"<iframe src=x></iframe><p>&lt;b&gt;escaped&lt;/b&gt;</p></main><footer>foot</footer></body></html>"
    )

    body = str(release_body(hostile))

    assert body == (
        '<div class="release-header"><h1>Title</h1></div><div class="release-body"><p>Text <a>link</a> '
        '<a href="https://ok.example/">ok</a></p><p>&lt;b&gt;escaped&lt;/b&gt;</p></div>'
    )


# --------------------------------------------------------------------------- languages (issue 21's Welsh releases)


def test_a_welsh_version_gets_its_own_page_linked_both_ways_with_hreflang(project: Path) -> None:
    """No release carries a language on main yet: this makes a Welsh version of a built one, as issue 21 will."""
    shown = catalogue(project / "output", now=dt.datetime(2014, 1, 1, tzinfo=LONDON))
    round_ = next(r for r in shown.rounds if r.slug == ROUND_2012)
    english = next(r for r in round_.releases if r.force == "thames-valley")
    assert english.language == DEFAULT_LANGUAGE
    welsh = dataclasses.replace(english, language="cy", headline="Mae Heddlu Dyffryn Tafwys wedi gwneud cynnydd da")
    round_.releases.append(welsh)

    files = make_site_files(shown, base_url=URL, templates=Templates.at())

    english_page = files[f"{ROUND_2012}/thames-valley/index.html"].decode()
    welsh_page = files[f"{ROUND_2012}/thames-valley/cy/index.html"].decode()
    for page in (english_page, welsh_page):
        assert f'<link rel="alternate" hreflang="en" href="{URL}{ROUND_2012}/thames-valley/">' in page
        assert f'<link rel="alternate" hreflang="cy" href="{URL}{ROUND_2012}/thames-valley/cy/">' in page
    assert f'href="../../{ROUND_2012}/thames-valley/cy/" hreflang="cy" lang="cy">Cymraeg</a>' in english_page
    assert f'href="../../../{ROUND_2012}/thames-valley/" hreflang="en" lang="en">English</a>' in welsh_page
    assert '<article class="release" lang="cy">' in welsh_page
    assert any(name.startswith(f"{ROUND_2012}/thames-valley/cy/") and name.endswith(".pdf") for name in files)
    feed = feedparser.parse(files[f"{ROUND_2012}/feed.atom"])
    [cy] = [entry for entry in feed.entries if entry.id.endswith("/thames-valley/cy")]
    assert {(link.hreflang, link.href) for link in cy.links if link.rel == "alternate"} == {
        ("en", f"{URL}{ROUND_2012}/thames-valley/"),
        ("cy", f"{URL}{ROUND_2012}/thames-valley/cy/"),
    }
    assert atom_problems(files[f"{ROUND_2012}/feed.atom"]) == []
    sitemap = ET.fromstring(files["sitemap.xml"])
    alternates = [
        link.get("hreflang")
        for link in sitemap.iter("{http://www.w3.org/1999/xhtml}link")
        if "/thames-valley/" in (link.get("href") or "")
    ]
    assert sorted(alternates) == ["cy", "cy", "en", "en"]  # each version names both


def test_a_national_release_in_the_manifest_is_on_its_round_page(project: Path) -> None:
    """Issue 23 lists each round's national release under the manifest's "national" (docs/national.md there)."""
    national = project / "output" / "national" / ROUND_2012
    national.mkdir(parents=True, exist_ok=True)  # the batch builds the round's own national release (issue 23)
    source = next((project / "output" / "thames-valley").glob("*.pdf"))
    written = {
        "html": ("2012-12-11-national.html", b"<html><body><h1>National</h1><p>All forces.</p></body></html>"),
        "pdf": ("2012-12-11-national.pdf", source.read_bytes()),
        "json": ("2012-12-11-national.json", b'{"forces": 3}'),
        "savings.csv": ("2012-12-11-national-savings.csv", b"force,savings\nkent,1\n"),
    }
    for name, data in written.values():
        (national / name).write_bytes(data)
    manifest_path = project / "output" / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["national"] = {
        f"forces/{ROUND_2012}": {
            "round": ROUND_2012,
            "status": "built",
            "files": {
                fmt: {
                    "path": f"national/{ROUND_2012}/{name}",
                    "size": len(data),
                    "sha256": hashlib.sha256(data).hexdigest(),
                }
                for fmt, (name, data) in written.items()
            },
        }
    }
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")

    assert site(project, "--now", BEFORE_2012).exit_code == 0
    assert "national" not in everything(project)  # under the round's embargo too
    assert site(project, "--now", LATER).exit_code == 0

    assert 'href="national/"' in (out(project) / ROUND_2012 / "index.html").read_text(encoding="utf-8")
    page = (out(project) / ROUND_2012 / "national" / "index.html").read_text(encoding="utf-8")
    assert "All forces." in page
    assert 'href="2012-12-11-national.pdf"' in page
    assert "The figures of the chart ‘savings’ (CSV)" in page
    assert (out(project) / ROUND_2012 / "national" / "2012-12-11-national.pdf").read_bytes() == source.read_bytes()
    assert f"{URL}{ROUND_2012}/national/" in sitemap_locations((out(project) / "sitemap.xml").read_bytes())


def test_a_national_file_changed_or_pointing_elsewhere_is_not_published(project: Path) -> None:
    manifest_path = project / "output" / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    pdf = next((project / "output" / "kent").glob("*.pdf"))
    manifest["national"] = {
        f"forces/{ROUND_2012}": {
            "files": {"pdf": {"path": "national/../kent/" + pdf.name, "size": pdf.stat().st_size, "sha256": "0" * 64}}
        }
    }
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")

    assert site(project, "--now", LATER).exit_code == 0
    assert not (out(project) / ROUND_2012 / "national").exists()


def test_the_clock_defaults_to_now_in_london(project: Path) -> None:
    result = site(project)

    assert result.exit_code == 0
    assert set(FORCES_2012) <= {path.parent.name for path in out(project).rglob("index.html")}


def test_the_command_s_help_says_what_it_does() -> None:
    from typer.testing import CliRunner

    from authoring.cli import app as cli_app

    result = CliRunner().invoke(cli_app.app, ["site", "--help"])
    assert result.exit_code == 0
    assert "--now" in result.stdout
    assert "embargo" in result.stdout


def test_a_campaign_giving_the_site_words_a_round_s_name_is_told_which_it_may_use(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from authoring.cli.app import app

    shutil.copytree(ROOT / "forces" / ROUND_2013, tmp_path / "forces" / ROUND_2013)
    edit(
        tmp_path / "forces" / ROUND_2013 / "campaign.yaml",
        "  notes_heading: Notes for editors",
        '  notes_heading: Notes for editors\n  site_title: "{{ national_report }} news"',
    )

    result = CliRunner().invoke(app, ["validate", str(tmp_path / "forces" / ROUND_2013)])

    assert result.exit_code == 1
    assert "campaign.yaml:28:15: sentences.site_title: no placeholder 'national_report' here" in result.stderr


def test_a_postponed_embargo_holds_for_a_release_whose_form_fails(project: Path) -> None:
    """A failing form keeps its older build's record (embargo 00:01); the round's later embargo holds for it too."""
    edit(project / "forces" / ROUND_2012 / "campaign.yaml", "embargo: 2012-12-11 00:01", "embargo: 2012-12-11 12:00")
    edit(project / "forces" / ROUND_2012 / "thames-valley.yaml", "grade: good-progress", "grade: splendid")
    report = run_batch([project / "forces" / ROUND_2012], out_dir=project / "output", jobs=1)
    assert [outcome.force for outcome in report.outcomes if outcome.status == "failed"] == ["thames-valley"]

    assert site(project, "--now", "2012-12-11T09:00").exit_code == 0
    assert ROUND_2012 not in everything(project)
    assert "thames-valley" not in everything(project)

    assert site(project, "--now", "2012-12-11T12:00").exit_code == 0
    assert (out(project) / PAGE).is_file()
    assert "Published 12:00pm on 11 December 2012" in html_text((out(project) / PAGE).read_bytes())


def test_the_site_is_never_written_over_the_batch_output(project: Path) -> None:
    result = site(project, "--now", LATER, out=project / "output")

    assert result.exit_code == 2
    assert "is the batch's output folder; give a folder of its own" in result.stderr
    assert not (project / "output" / "index.html").exists()


def test_without_an_address_the_round_s_website_is_used_and_the_command_says_so(project: Path) -> None:
    from typer.testing import CliRunner

    from authoring.cli.app import app

    command = ["site", "--built", str(project / "output"), "--out", str(out(project)), "--now", LATER]
    result = CliRunner().invoke(app, command, env={"AUTHORING_SITE_URL": None})

    assert result.exit_code == 0, result.output
    assert "give the site's address as http://www.hmic.gov.uk/ (the newest round's website); give --url" in (
        result.stderr
    )
    assert "<loc>http://www.hmic.gov.uk/</loc>" in (out(project) / "sitemap.xml").read_text(encoding="utf-8")
