"""The self-assessment form: the guidance's questions as widgets, kept in session state."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import streamlit as st

from greenlight.ledger import CONSENT_QUESTION
from greenlight.policy import OTHER_TOOL, Engine, Guidance, Resolution, dump_answers
from greenlight.present import answer_line
from greenlight.ui import writes
from greenlight.ui.shell import guarded, page, require_actor
from greenlight.ui.state import kept_key, remember
from greenlight.ui.text import as_text

# The use being re-assessed (and its version as loaded), the last upload's problems, a note
# on answers the guidance could not read, and the form's generation.
FORM_KEY = "assess:form"
# The submission token of "Log this use", drawn with the form and renewed once it has logged
# a use; and (answers' fingerprint, use id, production) of the use it logged last.
TOKEN_KEY = "assess:token"
LOGGED_KEY = "assess:logged"


@dataclass(frozen=True)
class Pickers:
    """What a use of the current production may name from the studio's registries, as
    (id, label) pairs: its performers (the talent consent ledger) and the tools and
    workflows it may pick (the tool registry). Empty: the production has none yet."""

    performers: tuple[tuple[str, str], ...] = ()
    tools: tuple[tuple[str, str], ...] = ()


OTHER_TOOL_LABEL = "A tool outside the registry (its terms count as unknown)"


def form_is_complete(fields: dict[str, str]) -> bool:
    """Whether the free text is enough to log (a title); warns when it is not."""
    if not fields.get("title", "").strip():
        st.warning("Give the use a title first (under *About this use*).", icon=":material/title:")
        return False
    return True


def log_this_use(log, engine: Engine, code: str, answers, fields: dict, status: str) -> None:
    """The "Log this use" button: one submission, one use. Once the answers are logged the
    button is off until they change, and a click that was already on its way is told so."""
    token = st.session_state.setdefault(TOKEN_KEY, writes.new_token())
    text = f"{code}\n{dump_answers(answers, engine.guidance)}"
    fingerprint = hashlib.sha256(text.encode()).hexdigest()
    last = st.session_state.get(LOGGED_KEY)
    logged_already = last is not None and last[0] == fingerprint
    if logged_already:
        st.success(as_text(f"Logged as {last[1]} in {last[2]}."), icon=":material/check_circle:")
        st.page_link(page("log"), label="Open the use-case log", icon=":material/table_view:")
    clicked = st.button(
        "Log this use",
        type="primary",
        icon=":material/playlist_add:",
        disabled=logged_already,
        help="Logged: change an answer to log another use." if logged_already else None,
    )
    if not clicked or logged_already:
        return
    who = require_actor()
    if not who or not form_is_complete(fields):
        return
    logged = guarded(
        lambda: writes.log_use(log, code, answers, engine, actor=who, status=status, token=token),
        success="Use logged",
    )
    if logged is not None:
        # Recorded before anything is drawn: a second click's run, which may stop this one
        # at its next drawing call, finds the answers logged.
        st.session_state[LOGGED_KEY] = (fingerprint, logged.id, code)
        st.session_state[TOKEN_KEY] = writes.new_token()
        st.rerun()


_PICKERS = {
    "tools": (
        "Tools and workflows (from the studio's registry)",
        "Picking registered tools answers principles 2 and 3, the tools' terms and whether the "
        "studio allows them, from the registry's reviewed terms. You may still answer more "
        "riskily below, never less.",
    ),
    "performers": (
        "Performers this use involves (from the production's talent ledger)",
        "The consent question is then answered from each performer's consents on file: in "
        "scope, in date, for this production and these media.",
    ),
}


def loaded_notice(file_name: str, title: str, given: int) -> None:
    """What the last answers file put in the form, and from which file (both as text)."""
    answers = "1 answer" if given == 1 else f"{given} answers"
    st.success(
        as_text(
            f"Loaded \u201c{title}\u201d from the file {file_name}: {answers}. The "
            "questions and the outcome now show them."
        ),
        icon=":material/upload_file:",
    )


class AssessmentForm:
    """The questions as widgets, with answers kept across pages and loads in session state.

    Each answer is kept under `q:<question id>` and `f:<field>` (ui.state.remember), so that
    it outlives a visit to another page; *Load answers* and *re-assess* fill the form by
    setting the kept values. The widgets' own keys add the form's generation (`key()`), which
    clearing or loading the form bumps: the browser keeps a widget's last value for as long
    as its key lives, and would bring an old answer back at the next click.
    """

    def __init__(self, guidance: Guidance, engine: Engine):
        self.guidance = guidance
        self.engine = engine
        self.state = st.session_state.setdefault(FORM_KEY, {})
        for name, empty in (
            ("editing", None),
            ("version", None),
            ("errors", []),
            ("loaded", None),
            ("unreadable", None),
            ("generation", 0),
            ("resets", 0),
        ):
            self.state.setdefault(name, empty)

    def key(self, name: str) -> str:
        """The widget key of `name` in this generation of the form (the first keeps `name`)."""
        generation = self.state["generation"]
        return name if generation == 0 else f"{name}@{generation}"

    @property
    def upload_key(self) -> str:
        """The uploader's key: a new, empty uploader after each clear (not after a load)."""
        return f"assess-upload-{self.state['resets']}"

    @property
    def version(self):
        """The version of the use being re-assessed, as it was loaded (None: not known)."""
        return self.state["version"]

    @property
    def unreadable(self) -> tuple[str, list[str]] | None:
        """(use id, problems) when the use being re-assessed has answers this guidance
        cannot read: the form then holds its free text only."""
        return self.state["unreadable"]

    @property
    def editing(self) -> str | None:
        return self.state["editing"]

    @property
    def upload_errors(self) -> list[str]:
        return self.state["errors"]

    @property
    def loaded(self) -> tuple[str, str, int] | None:
        """(file name, title, answers given) of the answers file loaded last, if any."""
        return self.state["loaded"]

    def _clear_widgets(self) -> None:
        # The widgets' own keys (of every generation) and their kept copies alike; the
        # next generation's widgets start from what is kept, or empty.
        for key in list(st.session_state):
            if isinstance(key, str) and key.startswith(("q:", "f:", "l:", "assess-note")):
                del st.session_state[key]
        self.state["generation"] += 1

    def reset(self) -> None:
        """Clear every answer, the free text and the note; stop re-assessing a use."""
        self._clear_widgets()
        self.state.update(editing=None, version=None, errors=[], unreadable=None, loaded=None)
        self.state["resets"] += 1
        st.session_state.pop(LOGGED_KEY, None)  # a cleared form is a new submission

    def load(self, answers, editing: str | None = None, version=None) -> None:
        """Fill the form from parsed answers (only the answers actually given)."""
        self._clear_widgets()
        for name, value in {"title": answers.title, **answers.fields}.items():
            remember(f"f:{name}", value)
        for qid in answers.provided:
            remember(f"q:{qid}", answers.values[qid])
        for name, ids in answers.links.items():
            remember(f"l:{name}", list(ids))
        self.state.update(editing=editing, version=version, errors=[], unreadable=None, loaded=None)

    def load_unreadable(self, record, problems: list[str]) -> None:
        """Re-assess a use whose answers this guidance cannot read: its free text only."""
        self._clear_widgets()
        for name, value in record.fields.items():
            remember(f"f:{name}", value)
        self.state.update(
            editing=record.id,
            version=getattr(record, "version", None),
            errors=[],
            loaded=None,
            unreadable=(record.id, problems),
        )

    def load_upload(self, loader, error_type) -> None:
        """on_change of the uploader: load the file, or keep the form and list the problems."""
        upload = st.session_state.get(self.upload_key)
        if upload is None:
            return
        try:
            answers = loader(upload.getvalue(), self.guidance)
        except error_type as exc:
            self.state.update(errors=[str(problem) for problem in exc.problems], loaded=None)
            return
        self.load(answers, editing=self.editing, version=self.version)
        self.state["loaded"] = (upload.name, answers.title, len(answers.provided))

    def render(
        self, pickers: Pickers = Pickers()
    ) -> tuple[dict[str, str], dict[str, str | bool], dict[str, list[str]]]:
        """Draw every field, the registries' pickers and every question that matters; return
        (fields, given answers, the registry ids picked by list name). Under each question
        a place is left for what the registries answer (show_facts fills it)."""
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
            name, key = f"f:{spec.name}", self.key(f"f:{spec.name}")
            if key not in st.session_state:
                st.session_state[key] = st.session_state.get(kept_key(name), "")
            where = places[spec.name]
            widget = where.text_area if spec.multiline else where.text_input
            fields[spec.name] = widget(
                spec.label + (" (required)" if spec.required else ""),
                key=key,
                max_chars=spec.max_length,
            )
            remember(name, fields[spec.name])
        links: dict[str, list[str]] = {}
        tools = self._picker("tools", pickers.tools, with_other=True)
        if tools:
            links["tools"] = tools
        self._slots: dict[str, object] = {}
        registries = bool(pickers.performers or pickers.tools or links)

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
            if q.id == CONSENT_QUESTION:
                performers = self._picker("performers", pickers.performers)
                if performers:
                    links["performers"] = performers
                registries = registries or bool(performers)
            value = self._widget(q)
            remember(f"q:{q.id}", value)
            if registries:
                self._slots[q.id] = st.empty()
            if value is not None:
                values[q.id] = given[q.id] = value
        return fields, given, links

    def _picker(self, name: str, choices, *, with_other: bool = False) -> list[str]:
        """A multiselect of registry ids kept under `l:<name>`; an id the form holds that the
        registry does not list here (a loaded file's, another production's) stays, marked."""
        kept = st.session_state.get(kept_key(f"l:{name}")) or []
        labels = dict(choices)
        if with_other:
            labels[OTHER_TOOL] = OTHER_TOOL_LABEL
        if not labels and not kept:
            return []
        for unknown in kept:
            labels.setdefault(unknown, f"{unknown} (not in this production's registry)")
        key = self.key(f"l:{name}")
        if key not in st.session_state:
            st.session_state[key] = list(kept)
        title, help_text = _PICKERS[name]
        picked = st.multiselect(
            title,
            list(labels),
            key=key,
            format_func=lambda i: labels.get(i, i),
            help=help_text,
            placeholder="Choose from the registry",
        )
        remember(f"l:{name}", list(picked))
        return list(picked)

    def show_facts(self, resolution: Resolution) -> None:
        """Under each question a registry answered: what it answered and from which record,
        and whether that answer counts instead of a safer one given here."""
        for qid, slot in getattr(self, "_slots", {}).items():
            facts = resolution.facts_for(qid)
            if not facts:
                continue
            with slot.container():
                for fact in facts:
                    st.caption(as_text(answer_line(self.guidance, fact)))
                if qid in resolution.raised:
                    st.caption(
                        "The records' answer is riskier than the one given here, so it counts."
                    )

    def _widget(self, q):
        key = self.key(f"q:{q.id}")
        remembered = st.session_state.get(kept_key(f"q:{q.id}"))
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
