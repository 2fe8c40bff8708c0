"""Words the pages show for the register's codes (statuses, fields, finding codes).

Each is marked with ``N_`` so that extraction finds it; templates translate at display time:
``{{ _(labels.STATUS[record.status]) }}``.
"""

from __future__ import annotations

from web.i18n import N_

STATUS: dict[str, str] = {
    "in_orbit": N_("In Earth orbit"),
    "in_gso": N_("In geostationary orbit"),
    "in_disposal_orbit": N_("In disposal orbit"),
    "decayed": N_("Decayed"),
    "recovered": N_("Recovered"),
    "deorbited": N_("Deorbited"),
    "landed": N_("Landed"),
    "orbiting_other_body": N_("Orbiting another body"),
    "beyond_earth_orbit": N_("Beyond Earth orbit"),
}

SUBMISSION_STATUS: dict[str, str] = {
    "draft": N_("Draft"),
    "submitted": N_("Submitted"),
    "under_review": N_("Under review"),
    "accepted": N_("Accepted"),
    "published": N_("Published"),
    "returned": N_("Returned"),
    "withdrawn": N_("Withdrawn"),
}

AMENDMENT_TYPE: dict[str, str] = {
    "additional_information": N_("Additional information"),
    "change_of_status": N_("Change of status"),
    "correction": N_("Correction"),
    "change_of_supervision": N_("Change of supervision"),
    "transfer": N_("Transfer to another State"),
}

REGIME: dict[str, str] = {
    "LEO": N_("Low Earth orbit (LEO)"),
    "MEO": N_("Medium Earth orbit (MEO)"),
    "GEO": N_("Geostationary orbit (GEO)"),
    "GTO": N_("Geostationary transfer orbit (GTO)"),
    "HEO": N_("Highly elliptical orbit (HEO)"),
}

#: The object fields of a registration, in the order of the model registration form.
FIELD: dict[str, str] = {
    "international_designator": N_("International designator"),
    "national_registration_number": N_("National registration number"),
    "norad_id": N_("NORAD catalog number"),
    "name": N_("Name"),
    "launching_states": N_("Launching States"),
    "launch_date": N_("Date of launch (UTC)"),
    "launch_site": N_("Launch site"),
    "launch_territory": N_("Territory of launch"),
    "launch_vehicle": N_("Launch vehicle"),
    "nodal_period_min": N_("Nodal period (min)"),
    "inclination_deg": N_("Inclination (deg)"),
    "apogee_km": N_("Apogee (km)"),
    "perigee_km": N_("Perigee (km)"),
    "orbit_epoch": N_("Epoch of the orbital parameters (UTC)"),
    "function": N_("General function"),
    "function_detail": N_("Function in detail"),
    "gso_longitude_deg": N_("Geostationary longitude (deg)"),
    "owner_operator": N_("Owner or operator"),
    "web_link": N_("Web link"),
    "status": N_("Status"),
    "status_date": N_("Date of the status (UTC)"),
    "status_body": N_("Body orbited or landed on"),
    "state": N_("State of registry"),
    "registered": N_("Registered"),
    "attributed_state": N_("Attributed State"),
    "designator_legacy": N_("Pre-1963 designator"),
    "not_in_source": N_("Not in the source"),
    "registered_at": N_("Entered in the Register"),
    "findings": N_("Validator findings"),
    "document": N_("UN document"),
}

#: Short titles of the validator's finding codes (registry.validation.CODES has the meaning).
FINDING: dict[str, str] = {
    "designator.malformed": N_("Designator is not in the COSPAR form"),
    "designator.legacy": N_("Pre-1963 designator, kept as given"),
    "designator.year_mismatch": N_("Designator year differs from the launch year"),
    "designator.duplicate_in_submission": N_("Designator appears twice in this submission"),
    "document.malformed": N_("Document symbol is malformed"),
    "launch.in_future": N_("Launch date is in the future"),
    "orbit.apogee_below_perigee": N_("Apogee is below perigee"),
    "orbit.inclination_out_of_range": N_("Inclination is outside 0-180 degrees"),
    "orbit.period_kepler_mismatch": N_("Period does not match apogee and perigee (Kepler)"),
    "state.missing": N_("No State of registry"),
    "state.unknown": N_("Unknown State code"),
    "state.required": N_("Name the State"),
    "registration.duplicate": N_("This State already registered the object"),
    "registration.other_state": N_("Another State already registered the object"),
    "article4.missing": N_("Item required by Article IV is missing"),
    "res62101.missing": N_("Item recommended by resolution 62/101 is missing"),
    "field.invalid": N_("Invalid value"),
    "amendment.field_unknown": N_("This field cannot be amended"),
    "transfer.state_required": N_("Name the new State of registry"),
    "csv.column_unknown": N_("Unknown column"),
    "csv.invalid": N_("The file cannot be read"),
    "elements.inconsistent": N_("Declared value differs from the element set"),
    "attachment.invalid": N_("Attachment refused"),
}

SEVERITY: dict[str, str] = {"error": N_("Error"), "warning": N_("Warning")}

#: What a launching State did (Convention Art. I(a)).
LAUNCHING_ROLE: dict[str, str] = {
    "launched": N_("launched the object"),
    "procured": N_("procured the launch"),
    "territory": N_("territory of launch"),
    "facility": N_("facility of launch"),
}

#: Declared against observed orbit: each item compared (orbit.compare), and how well it agrees.
COMPARED_FIELD: dict[str, str] = {
    "period": FIELD["nodal_period_min"],
    "inclination": FIELD["inclination_deg"],
    "apogee": FIELD["apogee_km"],
    "perigee": FIELD["perigee_km"],
    "gso_longitude": FIELD["gso_longitude_deg"],
}
VERDICT: dict[str, str] = {
    "consistent": N_("consistent"),
    "close": N_("close"),
    "inconsistent": N_("inconsistent"),
    "not comparable": N_("not comparable"),
}

#: Who acted, in the audit log and a submission's history.
ROLE: dict[str, str] = {
    "public": N_("Public"),
    "state": N_("State officer"),
    "secretariat": N_("Secretariat"),
    "admin": N_("Administrator"),
    "system": N_("System"),
}

#: What was done, in the audit log and a submission's history.
AUDIT_ACTION: dict[str, str] = {
    "submission.create": N_("Submission created"),
    "submission.update": N_("Submission changed"),
    "submission.delete": N_("Draft deleted"),
    "submission.attach": N_("File attached"),
    "submission.submit": N_("Submitted for review"),
    "submission.withdraw": N_("Submission withdrawn"),
    "submission.claim": N_("Claimed for review"),
    "submission.accept": N_("Submission accepted"),
    "submission.return": N_("Returned to the State"),
    "submission.publish": N_("Submission published"),
    "amendment.create": N_("Amendment created"),
    "demo.import": N_("Demo register loaded"),
    "elementsets.import": N_("Element sets loaded"),
    "elementsets.fetch": N_("Element sets fetched"),
    "satcat.fetch": N_("Satellite catalog fetched"),
    "webhook.create": N_("Webhook created"),
    "webhook.disable": N_("Webhook disabled"),
    "user.create": N_("User created"),
    "user.locked": N_("Account locked"),
    "key.create": N_("API key created"),
    "key.revoke": N_("API key revoked"),
    "questionnaire.submit": N_("Questionnaire answer submitted"),
    "questionnaire.accept": N_("Questionnaire answer accepted"),
    "questionnaire.return": N_("Questionnaire answer returned"),
    "questionnaire.withdraw": N_("Questionnaire answer withdrawn"),
}

#: What an audit entry is about.
ENTITY: dict[str, str] = {
    "submission": N_("Submission"),
    "user": N_("User"),
    "api_key": N_("API key"),
    "webhook_endpoint": N_("Webhook"),
    "register": N_("Register"),
    "element_sets": N_("Element sets"),
    "fetch": N_("Fetch"),
    "questionnaire_answer": N_("Questionnaire answer"),
}

#: How a yes/no value reads (rendering's ``show`` filter translates these two words).
YES_NO: dict[bool, str] = {True: N_("yes"), False: N_("no")}


def field_label(path: str) -> str:
    """The label of a finding's field path ("objects[2].apogee_km" -> the apogee label).

    >>> field_label("objects[2].apogee_km")
    'Apogee (km)'
    >>> field_label("launching_states[0].state")
    'Launching States'
    """
    leaf = path.split(".", 1)[1] if path.startswith("objects[") and "." in path else path
    leaf = leaf.split("[", 1)[0].split(".", 1)[0]
    return FIELD.get(leaf, leaf)
