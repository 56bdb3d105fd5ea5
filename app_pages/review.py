"""Review desk: the uses waiting for a studio reviewer's decision, oldest first, and the
decision taken on one of them; then the tools whose review falls due and the consents
about to expire."""

from greenlight import ui

desk_ui = ui.desk
guidance, engine = ui.guidance_and_engine()
log = ui.store()
days = desk_ui.overdue_days()
now = desk_ui.now_utc()
swept = desk_ui.sweep(log)
desk = desk_ui.read_desk(log, days, now)
desk_ui.heading(desk, days)
desk_ui.swept_notice(swept)
desk_ui.outbox_problems(log)
chosen = desk_ui.waiting_table(guidance, desk, days, now, log.data_version())
if chosen is not None:
    desk_ui.opened_use(log, guidance, engine, chosen)
desk_ui.tools_due(log)
desk_ui.expiring_consents(log, guidance)
