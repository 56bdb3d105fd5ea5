"""Self-assessment: answer the questions, see the outcome at once, log it or download it."""

import streamlit as st

from greenlight import ui, workflow
from greenlight.policy import (
    AnswersError,
    build_document,
    dump_answers,
    load_answers,
    parse_answers,
    resolve,
)
from greenlight.present import build_request, file_slug

guidance, engine = ui.guidance_and_engine()
log = ui.store()
form = ui.AssessmentForm(guidance, engine)

# A logged use opened again from the log (?use=ID): load its answers once, in its production
# (the log it goes back to on saving is that production's). Answers this guidance cannot
# read leave the form with the use's free text, and a notice on the stored assessment.
use_id = st.query_params.get("use")
if use_id and form.editing != use_id:
    record = ui.guarded(lambda: log.get_use(use_id, viewer=ui.viewer()))
    if record is not None:
        try:
            form.load(
                parse_answers(record.answers, guidance),
                editing=use_id,
                version=record.version,
            )
        except AnswersError as exc:
            form.load_unreadable(record, [str(problem) for problem in exc.problems])
        ui.select_production(record.production_code)
        st.rerun()

st.title("Self-assessment")
if form.editing:
    st.info(
        "You are re-assessing a logged use. Change the answers, then save: the log keeps the "
        "old level and every change in the use's history.",
        icon=":material/edit:",
    )
if form.unreadable and form.unreadable[0] == form.editing:
    stored = ui.guarded(lambda: log.get_use(form.editing, viewer=ui.viewer()))
    if stored is not None:
        ui.unreadable_notice(
            guidance,
            stored,
            form.unreadable[1],
            "Answer the questions below again (the free text is kept), then save: the "
            "stored level stays in the use's history.",
        )
        ui.stored_assessment(guidance, stored)
st.caption(
    "Answer what you know; anything left open counts as the riskier answer and is listed on "
    "the outcome. The outcome updates as you answer."
)

headline = ui.outcome_headline()  # the level at a glance, kept in view while answering
questions, outcome = st.columns([3, 2], gap="large")
code = ui.current_production()
with questions:
    fields, answers, links = form.render(ui.registry_pickers(log, code))
document = {**build_document(guidance, fields, answers), **links}
preview = parse_answers({**document, "title": fields["title"].strip() or "Untitled use"}, guidance)
# What the studio's registries say of the performers and tools picked, folded in as the store
# will fold it in when the use is logged: a person may answer more riskily, never less.
resolution = resolve(preview, ui.registry_facts(log, code, preview), guidance)
result = engine.assess(resolution.answers)
form.show_facts(resolution)

ui.show_headline(headline, guidance, result)

with outcome:
    st.subheader("Outcome")
    ui.outcome_card(guidance, result, resolution.facts)

    st.subheader("Log or share")
    if form.editing:
        note = st.text_input(
            "Note for the history (optional)",
            max_chars=workflow.MAX_NOTE,
            key=form.key("assess-note"),
        )
        if st.button("Save changes to this use", type="primary", icon=":material/save:"):
            who = ui.require_actor()
            if who and ui.form_is_complete(fields):
                saved = ui.guarded(
                    lambda: ui.writes.update_use(
                        log,
                        form.editing,
                        preview,
                        engine,
                        actor=who,
                        note=note,
                        version=form.version,
                    ),
                    success="Use re-assessed and saved",
                )
                if saved is not None:  # done editing: the next assessment starts afresh
                    ui.show_in_log(saved.id)
                    st.query_params.clear()
                    form.reset()
                    st.switch_page(ui.page("log"))
        if st.button("Stop editing, start a new assessment", icon=":material/add:"):
            st.query_params.clear()
            form.reset()
            st.rerun()
    elif code is None:
        st.info(ui.no_production_yet(), icon=":material/movie:")
    elif not ui.may("work", code):
        st.info(
            "Logging uses of this production is for its members and lead: your role here is "
            "to review them. Download the answers or the request below to share them.",
            icon=":material/visibility:",
        )
    else:
        start = st.segmented_control(
            "Log as",
            workflow.INITIAL_STATUSES,
            default=workflow.DEFAULT_STATUS,
            format_func=lambda s: workflow.status(s).label,
            key="assess-log-status",
            help="Draft keeps it to yourself; submitted means you have shared it with the studio contact.",
        )
        ui.log_this_use(log, engine, code, preview, fields, start or workflow.DEFAULT_STATUS)

    slug = file_slug(fields["title"])
    names = {p.code: p.name for p in ui.production_list(log)}
    me = ui.actor()
    row = ui.download_row("assess")
    # Files made on click (a callable): a file made with every run is dropped by the next run,
    # and the browser, which checks each button's file as it draws it, can ask after it is gone.
    row.download_button(
        "Download answers",
        data=lambda: dump_answers(preview, guidance),
        file_name=f"{slug}-answers.yaml",
        mime="application/x-yaml",
        icon=":material/download:",
        on_click="ignore",
    )
    ui.request_buttons(
        lambda base: build_request(
            preview,
            result,
            guidance,
            production=(names.get(code, ""), code) if code else None,
            prepared_by=me or fields.get("requested_by", ""),
            requested_by=me,
            facts=resolution.facts,
        ),
        slug,
        "assess",
        row,
    )
    st.file_uploader(
        "Load answers (YAML or JSON) to resume or reuse an assessment",
        type=["yaml", "yml", "json"],
        key=form.upload_key,
        on_change=form.load_upload,
        args=(load_answers, AnswersError),
        max_upload_size=1,
    )
    if form.loaded:
        ui.loaded_notice(*form.loaded)
    if form.upload_errors:
        st.error("That file could not be loaded; nothing was changed:", icon=":material/error:")
        st.text("\n".join(form.upload_errors))
    if st.button("Clear all answers", icon=":material/restart_alt:"):
        st.query_params.clear()
        form.reset()
        st.rerun()
