//! The forms of the service-level page (plans, their terms, business and holiday calendars),
//! each a struct of the fields it sends. What a number or a choice must be is checked here in
//! one round; what the stored plans and calendars allow, by the use cases.

use kabinet_app::support::calendars::CalendarEdit;
use kabinet_app::{AppError, FieldErrors};
use serde::Deserialize;

use crate::form::{all_or_nothing, chosen_id, filled};

/// The terms of one request class in a plan: its calendar and its two deadlines.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TermsForm {
    class: String,
    calendar_id: String,
    reaction_minutes: String,
    resolution_minutes: String,
}

/// Checked terms: the calendar and the deadlines in working minutes (`None`: no deadline).
#[derive(Debug)]
pub struct Terms {
    pub calendar_id: i64,
    pub reaction_minutes: Option<i64>,
    pub resolution_minutes: Option<i64>,
}

impl TermsForm {
    /// The request class the form is for (a hidden field, never typed).
    pub fn class(&self) -> &str {
        &self.class
    }

    pub fn checked(self) -> Result<Terms, AppError> {
        let mut errors = FieldErrors::new();
        let calendar_id = errors.choice::<i64>("calendar_id", &self.calendar_id);
        let mut minutes = |field: &str, typed: &str| match typed.trim() {
            "" => Some(None),
            typed => match typed.parse::<i64>() {
                Ok(m) => Some(Some(m)),
                Err(_) => {
                    errors.add(field, "minutes-out-of-range");
                    None
                }
            },
        };
        let reaction = minutes("reaction_minutes", &self.reaction_minutes);
        let resolution = minutes("resolution_minutes", &self.resolution_minutes);
        let terms = match (calendar_id, reaction, resolution) {
            (Some(calendar_id), Some(reaction_minutes), Some(resolution_minutes)) => Some(Terms {
                calendar_id,
                reaction_minutes,
                resolution_minutes,
            }),
            _ => None,
        };
        all_or_nothing(errors, terms)
    }
}

/// A new service-level plan.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PlanForm {
    pub code: String,
    pub name: String,
    pub description: String,
}

/// A business calendar: its code (new ones only), name, zone and weekly windows.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CalendarForm {
    code: String,
    name: String,
    time_zone: String,
    working_windows: String,
    rest_windows: String,
    holiday_calendar_id: String,
}

/// A checked new calendar.
#[derive(Debug)]
pub struct NewCalendar {
    pub code: String,
    pub edit: CalendarEdit,
    pub holiday_calendar_id: Option<i64>,
}

impl CalendarForm {
    /// The calendar's editable part (the edit form sends no code or holidays).
    pub fn edit(self) -> CalendarEdit {
        CalendarEdit {
            name: self.name,
            time_zone: self.time_zone,
            working_windows: self.working_windows,
            rest_windows: self.rest_windows,
        }
    }

    pub fn checked_new(self) -> Result<NewCalendar, AppError> {
        let mut errors = FieldErrors::new();
        let holiday_calendar_id = chosen_id(&mut errors, "holiday_calendar_id", &self.holiday_calendar_id);
        let code = filled(&self.code).unwrap_or_default();
        let new = NewCalendar {
            code,
            holiday_calendar_id,
            edit: self.edit(),
        };
        all_or_nothing(errors, Some(new))
    }
}

/// A day of a holiday calendar: the date, whether it is a holiday or a working day, a note.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct HolidayForm {
    pub day: String,
    pub kind: String,
    pub note: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::form::refused_fields as fields;

    #[test]
    fn every_bad_number_of_the_terms_is_reported_at_once() {
        let form = TermsForm {
            class: "incident".into(),
            calendar_id: "x".into(),
            reaction_minutes: "an hour".into(),
            resolution_minutes: "1e3".into(),
        };
        assert_eq!(
            fields(form.checked().unwrap_err()),
            ["calendar_id", "reaction_minutes", "resolution_minutes"]
        );
    }

    #[test]
    fn blank_deadlines_are_none() {
        let form = TermsForm {
            calendar_id: "2".into(),
            reaction_minutes: " 60 ".into(),
            ..Default::default()
        };
        let terms = form.checked().unwrap();
        assert_eq!(
            (terms.calendar_id, terms.reaction_minutes, terms.resolution_minutes),
            (2, Some(60), None)
        );
    }

    #[test]
    fn a_holiday_calendar_that_is_not_an_id_is_refused_not_dropped() {
        let form = CalendarForm {
            holiday_calendar_id: "ru".into(),
            ..Default::default()
        };
        assert_eq!(fields(form.checked_new().unwrap_err()), ["holiday_calendar_id"]);
    }
}
