"""A round's national summary, as its campaign declares it (``summary:`` in ``campaign.yaml``).

Data only: the national release's sentences (headline, lead, the national quote and its
notes), the table of figures (which figures, in which order, what the totals row shows,
how the rows are sorted) and the charts (a bar chart of one figure by force, the spread of
verdicts). A figure is a numeric field of a kind of finding, named ``kind.field``
(``savings.target``). Sentences are templates phrased in the same sandbox as every other
sentence (:mod:`authoring.model.phrasing`) and see the round's aggregates
(:data:`SUMMARY_NAMES`): ``{{ total.savings.target | money }}``. Examples, each a few
invented forces' figures and the sentences they give, are checked like a kind's examples.
See docs/national.md.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from authoring.model.types import Key, Text, _Model

#: A figure's name: a kind of finding and one of its fields, ``savings.target``.
FigureName = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*\.[a-z][a-z0-9_]*$")]
#: What a table column may show besides figures.
VERDICT_COLUMN = "verdict"
#: What the rows may be sorted by besides a figure.
SORT_BY_FORCE, SORT_BY_VERDICT = "force", "verdict"

#: The names a summary sentence may use (besides the helpers).
SUMMARY_NAMES = (
    "organisation",
    "organisation_short",
    "national_report",
    "original_report",
    "release_date",
    "embargo",
    "website",
    "press_office",
    "forces",
    "drafts",
    "total",
    "mean",
    "least",
    "most",
    "given",
    "verdicts",
)
#: The names one summary sentence has besides :data:`SUMMARY_NAMES`.
SUMMARY_EXTRA_NAMES: dict[str, tuple[str, ...]] = {"attribution": ("inspector",)}


class Drafts(StrEnum):
    """What the national release does with draft forms."""

    LEAVE_OUT = "leave-out"
    """Count final forms only."""
    MARK = "mark"
    """Count drafts too; the national release is then a draft itself, marked as one, and says how many."""


class Aggregate(StrEnum):
    """What the totals row shows for a figure's column."""

    TOTAL = "total"
    MEAN = "mean"
    NONE = "none"


class Order(StrEnum):
    ASCENDING = "ascending"
    DESCENDING = "descending"


class Column(_Model):
    """One column of the table: a figure (``savings.target``), or the verdict."""

    figure: FigureName | None = Field(default=None, description="The figure, as kind.field, e.g. savings.target.")
    verdict: bool = Field(default=False, description="true: this column shows each force's verdict.")
    label: Text = Field(description="The column's header, e.g. 'Savings required'.")
    totals: Aggregate = Field(
        default=Aggregate.TOTAL,
        description="What the totals row shows: total, mean or none (a verdict column counts forces by verdict).",
    )

    @model_validator(mode="after")
    def _one_thing(self) -> Column:
        if (self.figure is None) == (not self.verdict):
            raise ValueError("a column shows either a figure (figure: kind.field) or the verdict (verdict: true)")
        return self


class Sort(_Model):
    """How the table's rows are sorted."""

    by: str = Field(default=SORT_BY_FORCE, description="force, verdict, or a figure of the table (kind.field).")
    order: Order = Field(default=Order.ASCENDING, description="ascending or descending.")


class Table(_Model):
    """The table of every counted force's figures, with a totals row."""

    caption: Text = Field(description="The table's caption (a template).")
    force_label: Text = Field(default="Force", description="The header of the column of force names.")
    totals_label: Text = Field(default="All forces counted", description="The header of the totals row.")
    columns: list[Column] = Field(min_length=1, description="The columns after the force's name, in order.")
    sort: Sort = Field(default_factory=Sort, description="How the rows are sorted (default: by force name).")
    not_given: Text = Field(default="not given", description="What a cell says where a force gives no figure.")
    mean_note: Text = Field(default="mean", description="After a mean in the totals row, in brackets.")
    partial_note: Text = Field(
        default="{{ given }} of {{ forces }} forces",
        description="After a total that not every force gives, in brackets (a template: given, forces).",
    )


class ChartKind(StrEnum):
    BAR = "bar"
    """One figure by force."""
    VERDICTS = "verdicts"
    """How many forces got each verdict."""


class Chart(_Model):
    """One chart; its figures are also given as a table beside it and as a CSV file."""

    kind: ChartKind = Field(description="bar (one figure by force) or verdicts (how many forces got each verdict).")
    figure: FigureName | None = Field(default=None, description="For a bar chart: the figure, as kind.field.")
    title: Text = Field(description="The chart's title (a template).")
    description: Text = Field(description="A longer description of what the chart shows (a template).")
    axis: Text | None = Field(default=None, description="The label of the value axis, if not the figure's label.")

    @model_validator(mode="after")
    def _figure_for_bar(self) -> Chart:
        if self.kind is ChartKind.BAR and self.figure is None:
            raise ValueError("a bar chart needs a figure (figure: kind.field)")
        if self.kind is ChartKind.VERDICTS and self.figure is not None:
            raise ValueError("a chart of verdicts shows no figure; remove 'figure'")
        return self


class SummarySentences(_Model):
    """The national release's own sentences, each a template (see docs/national.md)."""

    headline: Text = Field(description="The headline.")
    lead: list[Text] = Field(min_length=1, description="The opening paragraphs, in order.")
    counted: Text = Field(
        default=(
            "This release counts the {{ counted(forces, 'force') }} whose reports are final"
            "{% if drafts %} or in draft ({{ number(drafts) }} of them in draft){% endif %}."
        ),
        description="The sentence that says how many forces the release counts.",
    )
    attribution: Text = Field(description="Before the national quote: who speaks ({{ inspector.display_name }}).")
    footer: Text | None = Field(default=None, description="The footer, if not the house one.")
    subject: Text | None = Field(default=None, description="The document subject, if not the house one.")


class SummaryExampleForce(_Model):
    """One invented force of an example: its verdict and figures."""

    force: Key = Field(description="The force's key, e.g. kent.")
    verdict: Key = Field(description="A verdict of the campaign.")
    draft: bool = Field(default=False, description="true: the force's form is a draft.")
    figures: dict[FigureName, int | float] = Field(default_factory=dict, description="Figures by kind.field.")


class SummaryExample(_Model):
    """Invented forces' figures and the exact sentences they give."""

    forces: list[SummaryExampleForce] = Field(min_length=1, description="The forces of the example.")
    says: dict[str, Text] = Field(
        min_length=1, description="Sentence name (headline, lead.1, counted, …) and the exact text it gives."
    )


class Summary(_Model):
    """The national release of a round: its words, its table and its charts."""

    name: Text = Field(
        default="National summary",
        description="What the release is called where a force's release names its force (footer, subject).",
    )
    drafts: Drafts = Field(default=Drafts.LEAVE_OUT, description="leave-out (count final forms only) or mark.")
    verdict_labels: dict[Key, Text] = Field(
        default_factory=dict,
        description="How the table and charts name each verdict, e.g. good: Good (default: the key in words).",
    )
    inspector: Key = Field(description="Who gives the national quote (a key of inspectors).")
    sentences: SummarySentences
    quote: list[Text] = Field(min_length=1, description="The national quote's paragraphs (templates).")
    notes: list[Text] = Field(
        default_factory=list, description="The national release's own notes (templates), before the press office's."
    )
    table: Table
    charts: dict[Key, Chart] = Field(default_factory=dict, description="The charts, by key (file names use it).")
    chart_alt: Text = Field(
        default="Bar chart: {{ title }}", description="A chart's short text alternative (a template: title)."
    )
    csv_link: Text = Field(
        default="The figures of this chart as a spreadsheet (CSV):", description="Before the link to a chart's CSV."
    )
    examples: list[SummaryExample] = Field(min_length=1, description="Invented figures and what they give.")

    def figures(self) -> tuple[str, ...]:
        """Every figure the table and charts name, in order, each once."""
        named = [column.figure for column in self.table.columns if column.figure]
        named += [chart.figure for chart in self.charts.values() if chart.figure]
        return tuple(dict.fromkeys(named))

    def verdict_label(self, key: str) -> str:
        """A verdict as the table and charts name it."""
        return self.verdict_labels.get(key) or key.replace("-", " ").capitalize()

    def templates(self) -> list[tuple[tuple[str | int, ...], str, str]]:
        """Every template of the summary: where it is (under ``summary``), its name in examples, its text."""
        found: list[tuple[tuple[str | int, ...], str, str]] = []
        words = self.sentences
        found.append((("sentences", "headline"), "headline", words.headline))
        for index, paragraph in enumerate(words.lead):
            found.append((("sentences", "lead", index), f"lead.{index + 1}", paragraph))
        found.append((("sentences", "counted"), "counted", words.counted))
        found.append((("sentences", "attribution"), "attribution", words.attribution))
        for index, paragraph in enumerate(self.quote):
            found.append((("quote", index), f"quote.{index + 1}", paragraph))
        for index, note in enumerate(self.notes):
            found.append((("notes", index), f"notes.{index + 1}", note))
        found.append((("table", "caption"), "table.caption", self.table.caption))
        for key, chart in self.charts.items():
            found.append((("charts", key, "title"), f"charts.{key}.title", chart.title))
            found.append((("charts", key, "description"), f"charts.{key}.description", chart.description))
        return found

    def small_templates(self) -> list[tuple[tuple[str | int, ...], str, tuple[str, ...]]]:
        """The summary's small templates, each with the only names it may use."""
        return [
            (("table", "not_given"), self.table.not_given, ()),
            (("table", "mean_note"), self.table.mean_note, ()),
            (("table", "partial_note"), self.table.partial_note, ("given", "forces")),
            (("chart_alt",), self.chart_alt, ("title",)),
            (("csv_link",), self.csv_link, ()),
        ]
