//! Exports (issue 7): JSON lines, CSV per instrument, FHIR R4. Pure serialisers over records.
