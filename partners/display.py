"""A submission's proposed values as people read them (labels, choice
names), for the follow pages and the moderators' summary panel."""

from __future__ import annotations


def _fields() -> dict:
    from .calls import CallFieldsForm
    from .forms import PublicActorForm

    fields = dict(CallFieldsForm.base_fields)
    form = CallFieldsForm()  # choices are set per instance
    fields.update(form.fields)
    fields.update(PublicActorForm.base_fields)
    return fields


def _display(field, value) -> str:
    choices = dict(getattr(field, "choices", None) or ())
    if isinstance(value, list):
        return ", ".join(str(choices.get(item, item)) for item in value)
    if isinstance(value, bool):
        return "✓" if value else ""
    if choices and value in choices:
        return str(choices[value])
    return str(value)


def proposal_rows(submission) -> list[tuple[str, str]]:
    """Non-empty proposed values with their labels; for an update, the
    fiche's unchanged title is left out."""
    fields = _fields()
    unchanged_title = None
    if submission.is_update and submission.target_page_id and submission.target_page:
        unchanged_title = submission.target_page.title
    rows = []
    for name, value in submission.data.items():
        if value in ("", None, [], False):
            continue
        if name == "title" and value == unchanged_title:
            continue
        field = fields.get(name)
        label = str(field.label) if field is not None else name
        rows.append((label, _display(field, value) if field is not None else str(value)))
    return rows
