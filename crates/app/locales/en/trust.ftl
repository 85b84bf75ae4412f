# Trust: staff visiting a cabinet, sign-in limits, the audit chain, the second factor.
err-not-while-acting = Not available while visiting a customer's cabinet: tokens, passwords, sessions and contact details are changed by the customer only.
err-method-not-allowed = This address does not take this kind of request.
sla-holidays-running-out = The calendar “{ $name }” has no holidays more than 60 days ahead: deadlines will soon be counted without holidays. Add its days or upload a production calendar.
sla-calendar-import = Upload a production calendar
sla-calendar-import-hint = An iCalendar file (.ics), the open-data CSV (a row per year, months in columns), CSV rows “date;holiday|worked;note”, or the XML production calendar. The file's days are added or replace those already there.
sla-calendar-import-button = Upload
flash-sla-calendar-imported = The production calendar was uploaded.
err-calendar-file-not-text = The file is not UTF-8 text.
err-calendar-file-format = This is not an iCalendar, CSV or XML production calendar.
err-calendar-file-invalid = A line of the file could not be read; nothing was changed.
err-database-unavailable = The database cannot be reached right now; nothing was changed. Try again in a few seconds.
err-ticket-case-price-missing = No pay-per-case hourly price is set for the currency of the customer's account.

customer-user-create-hint = A login for a colleague: a password is generated and shown once, to be changed at first sign-in. The role decides what they may do.

outbox-masked-hint = Messages with codes and passwords keep them only until delivered; here the secret is masked.
demo-inbox = Demo inbox
demo-inbox-hint = What phones and mailboxes would receive: in the demo, e-mails and texts do not leave the product and are collected here.

assets-in-care = Assets in their care
assets-none = No assets.
assets-in-care-hint = A line manager sees only the ticked assets in the cabinet.
flash-assets-saved = Assets saved.
err-assignments-for-line-managers = Assets are assigned to line managers only.
err-too-many-assets = No more than 1000 assets at once.
