"""Regular expressions the field parsers share: contact details, separators within a line, schools."""

from __future__ import annotations

import re

EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-zA-Z]{2,}")
# Grouped ("+44 20 7946 0991", "(+82) 10-5550-0123") or written as one run of 9-12 digits
# ("+919493206902", "+91 7981419024", "01013946047"), as Indian and Egyptian resumes often do.
PHONE_RE = re.compile(
    r"(?<![\w/+])(?:(?:\+\d{1,3}|\(\+\d{1,4}\))[\s.\-]?)?(?:\(\d{1,5}\)[\s.\-]?)?"
    r"(?:\d{2,5}(?:[\s.\-]\d{2,8}){1,4}|\d{9,12})(?![\w/])"
)
URL_RE = re.compile(r"(?:https?://|www\.)\S+|\b(?:linkedin\.com|github\.com)/\S+", re.I)
SEPARATORS = re.compile(r"\t|\s+\|\s+|\s+[—–]\s+|\s+-\s+|\s+@\s+|\s+·\s+|\s+•\s+|\s+/\s+(?=[A-Z])")
REMOTE_RE = re.compile(r"^\s*(?:remote|fully remote|remote \(.*\))\s*$", re.I)
SCHOOL_RE = re.compile(
    r"\b(?:University|Universit[äaé]t?|Universit[ée]|Universidad|Universidade|Università|College|"
    r"Institute|Institut|Instituto|School|Academy|Polytechnic|Politecnico|Polytechnique|Hochschule|"
    r"Conservatory|Seminary|ETH|EPFL|MIT|UCLA|NYU|UC Berkeley|Escuela|École|Ecole|Sorbonne|TU\s|"
    r"Tecnol[oó]gico|Polit[eé]cnic[oa]|Fachhochschule|Bootcamp|Campus)",
)
