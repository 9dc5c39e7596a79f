"""The pipeline table's filters, read from the query string."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from daigang.core.ids import ID_MAX
from daigang.hiring.pipeline.selectors import StageOption, TableFilters

# Ids are 64-bit (ID_MAX); a longer number in a hand-edited URL must not reach the database.


class PipelineFiltersForm(forms.Form):
    """job, room, stage, tag, from, to (dates as YYYY-MM-DD). A value that does not parse
    (a typo, an old link, an unknown stage) drops that one filter rather than the page."""

    job = forms.IntegerField(required=False, min_value=1, max_value=ID_MAX)
    room = forms.IntegerField(required=False, min_value=1, max_value=ID_MAX)
    stage = forms.ChoiceField(required=False)
    tag = forms.IntegerField(required=False, min_value=1, max_value=ID_MAX)

    def __init__(self, *args: Any, stages: list[StageOption], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # self.fields is typed as plain Fields; "stage" is the ChoiceField declared above.
        stage = cast(forms.ChoiceField, self.fields["stage"])
        stage.choices = [("", "")] + [(s.key, s.label) for s in stages]
        # "from" is a Python keyword, so these two cannot be class attributes.
        self.fields["from"] = forms.DateField(required=False, input_formats=["%Y-%m-%d"])
        self.fields["to"] = forms.DateField(required=False, input_formats=["%Y-%m-%d"])

    def filters(self) -> TableFilters:
        self.is_valid()
        valid = self.cleaned_data  # holds only the fields that parsed
        return TableFilters(
            job_id=valid.get("job"),
            room_id=valid.get("room"),
            stage_key=valid.get("stage") or None,
            tag_id=valid.get("tag"),
            date_from=valid.get("from"),
            date_to=valid.get("to"),
        )
