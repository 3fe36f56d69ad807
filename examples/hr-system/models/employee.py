"""Employee record of the demo HR system (an ethicscan example)."""

from dataclasses import dataclass
from datetime import date


@dataclass
class Employee:
    employee_id: str
    full_name: str
    department: str
    start_date: date
    # Optional, self-identified on the equal-opportunities form; never required.
    ethnicity: str | None = None
