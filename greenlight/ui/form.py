"""The self-assessment form: the guidance's questions as widgets, kept in session state."""

from __future__ import annotations

import streamlit as st

from greenlight.policy import Engine, Guidance
from greenlight.ui.state import recall, remember

FORM_KEY = "assess:form"  # the use being re-assessed and the last upload's problems


def form_is_complete(fields: dict[str, str]) -> bool:
    """Whether the free text is enough to log (a title); warns when it is not."""
    if not fields.get("title", "").strip():
        st.warning("Give the use a title first (under *About this use*).", icon=":material/title:")
        return False
    return True


class AssessmentForm:
    """The questions as widgets, with answers kept across pages and loads in session state.

    Widget values live under `q:<question id>` and `f:<field>`, each kept (ui.state.remember)
    so that it outlives a visit to another page; *Load answers* and *re-assess* fill the form
    by setting the kept values.
    """

    def __init__(self, guidance: Guidance, engine: Engine):
        self.guidance = guidance
        self.engine = engine
        self.state = st.session_state.setdefault(FORM_KEY, {"editing": None, "errors": []})

    @property
    def editing(self) -> str | None:
        return self.state["editing"]

    @property
    def upload_errors(self) -> list[str]:
        return self.state["errors"]

    def _clear_widgets(self) -> None:
        # The widgets' own keys and their kept copies (q:x:kept) alike.
        for key in list(st.session_state):
            if isinstance(key, str) and key.startswith(("q:", "f:")):
                del st.session_state[key]

    def reset(self) -> None:
        self._clear_widgets()
        self.state.update(editing=None, errors=[])

    def load(self, answers, editing: str | None = None) -> None:
        """Fill the form from parsed answers (only the answers actually given)."""
        self._clear_widgets()
        for name, value in {"title": answers.title, **answers.fields}.items():
            remember(f"f:{name}", value)
        for qid in answers.provided:
            remember(f"q:{qid}", answers.values[qid])
        self.state.update(editing=editing, errors=[])

    def load_upload(self, loader, error_type) -> None:
        """on_change of the uploader: load the file, or keep the form and list the problems."""
        upload = st.session_state.get("assess-upload")
        if upload is None:
            return
        try:
            answers = loader(upload.getvalue(), self.guidance)
        except error_type as exc:
            self.state["errors"] = [str(problem) for problem in exc.problems]
            return
        self.load(answers, editing=self.editing)

    def render(self) -> tuple[dict[str, str], dict[str, str | bool]]:
        """Draw every field and every question that matters; return (fields, given answers)."""
        from greenlight.policy import FIELDS

        fields: dict[str, str] = {}
        st.subheader("About this use")
        short = [spec for spec in FIELDS if not spec.required and not spec.multiline]
        # Containers made in display order: required first, then pairs, then long text.
        places: dict[str, object] = {spec.name: st.container() for spec in FIELDS if spec.required}
        for pair in range(0, len(short), 2):  # a row of two at a time keeps the order on phones
            for column, spec in zip(st.columns(2), short[pair : pair + 2], strict=False):
                places[spec.name] = column
        places.update({s.name: st.container() for s in FIELDS if s.multiline and not s.required})
        ordered = sorted(FIELDS, key=lambda spec: list(places).index(spec.name))
        for spec in ordered:
            key = f"f:{spec.name}"
            if key not in st.session_state:
                st.session_state[key] = recall(key, "")
            where = places[spec.name]
            widget = where.text_area if spec.multiline else where.text_input
            fields[spec.name] = widget(
                spec.label + (" (required)" if spec.required else ""),
                key=key,
                max_chars=spec.max_length,
            )
            remember(key, fields[spec.name])

        values = {q.id: q.default for q in self.guidance.questions}
        given: dict[str, str | bool] = {}
        groups = {group.id: group for group in self.guidance.groups}
        seen_group = seen_category = None
        for q in self.guidance.questions:
            # Shown as the engine reads the answers: a gap above counts as its riskiest answer.
            counted, _ = self.engine.counted_values(values, frozenset(given))
            if not self.engine.is_shown(q.id, counted):
                continue
            if q.group != seen_group:
                seen_group = q.group
                group = groups.get(q.group)
                st.subheader(group.title if group else q.group)
                if group:
                    st.caption(group.help)
            if q.category and q.category != seen_category:
                seen_category = q.category
                st.markdown(f"**{self.guidance.section(q.category).title}**")
            value = self._widget(q)
            remember(f"q:{q.id}", value)
            if value is not None:
                values[q.id] = given[q.id] = value
        return fields, given

    def _widget(self, q):
        key = f"q:{q.id}"
        remembered = recall(key)
        if key not in st.session_state and remembered is not None:
            st.session_state[key] = remembered
        label = f"{q.number}. {q.label}" if q.number else q.label
        if q.kind == "boolean" and not q.report_missing:
            checked = st.checkbox(label, key=key, help=f"{q.help} Example: {q.example}", wrap=True)
            st.caption(q.help)
            return checked
        if q.kind == "category":
            return st.selectbox(
                label,
                q.values,
                index=None,
                key=key,
                format_func=q.label_of,
                placeholder="Choose the closest kind of use",
                help=f"{q.help} Example: {q.example}",
            )
        options = [True, False] if q.kind == "boolean" else list(q.values)
        if max(len(q.label_of(v)) for v in options) > 20:
            return st.radio(
                label,
                options,
                index=None,
                key=key,
                format_func=q.label_of,
                help=f"{q.help} Example: {q.example}",
            )
        return st.segmented_control(
            label, options, key=key, format_func=q.label_of, help=f"{q.help} Example: {q.example}"
        )
