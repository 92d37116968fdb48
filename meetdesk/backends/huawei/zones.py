"""IANA time zones ↔ Huawei's numeric ``timeZoneID`` (its "时区表", support.huaweicloud.com/api-meeting/
meeting_21_0110.html).

Huawei only uses the id to print times in meeting notifications, but a wrong id prints wrong times, so a zone
is mapped only where its offset and daylight-saving rules are those of Huawei's entry. Rows 1–37 and 56 of
the table could be confirmed; zones needing the other rows are refused rather than guessed.
"""

from __future__ import annotations

#: Huawei id → the IANA zones it stands for (the first is used when reading a meeting back)
ZONES_BY_ID: dict[str, tuple[str, ...]] = {
    "2": ("Pacific/Pago_Pago", "Pacific/Midway"),  # (GMT-11:00) Midway Island, Samoa
    "3": ("Pacific/Honolulu",),  # (GMT-10:00) Hawaii
    "4": ("America/Anchorage", "America/Juneau"),  # (GMT-09:00) Alaska
    "5": ("America/Los_Angeles", "America/Tijuana", "America/Vancouver"),  # Pacific Time (US&Canada); Tijuana
    "6": ("America/Phoenix",),  # (GMT-07:00) Arizona
    "7": ("America/Denver", "America/Edmonton", "America/Boise"),  # Mountain Time (US&Canada)
    "8": ("America/Guatemala", "America/Costa_Rica", "America/El_Salvador", "America/Managua",
          "America/Tegucigalpa"),  # (GMT-06:00) Central America
    "9": ("America/Chicago", "America/Winnipeg"),  # Central Time (US&Canada)
    "10": ("America/Mexico_City",),  # (GMT-06:00) Mexico City
    "11": ("America/Regina",),  # (GMT-06:00) Saskatchewan
    "12": ("America/Bogota", "America/Lima", "America/Guayaquil"),  # (GMT-05:00) Bogota, Lima, Quito
    "13": ("America/New_York", "America/Toronto", "America/Detroit"),  # Eastern Time (US&Canada)
    "14": ("America/Indiana/Indianapolis",),  # (GMT-05:00) Indiana (East)
    "15": ("America/Halifax", "Atlantic/Bermuda"),  # (GMT-04:00) Atlantic time (Canada)
    "16": ("America/Caracas", "America/La_Paz"),  # (GMT-04:00) Caracas, La Paz
    "17": ("America/Santiago",),  # (GMT-04:00) Santiago
    "18": ("America/St_Johns",),  # (GMT-03:30) Newfoundland
    "19": ("America/Sao_Paulo",),  # (GMT-03:00) Brasilia
    "20": ("America/Argentina/Buenos_Aires", "America/Guyana"),  # Buenos Aires, Georgetown
    "21": ("America/Nuuk", "America/Godthab"),  # (GMT-03:00) Greenland
    "22": ("Atlantic/South_Georgia", "America/Noronha"),  # (GMT-02:00) Mid-Atlantic
    "23": ("Atlantic/Azores",),  # (GMT-01:00) Azores
    "24": ("Atlantic/Cape_Verde",),  # (GMT-01:00) Cape Verde Is.
    # (GMT) Casablanca, Monrovia — the only GMT entry without summer time, so UTC itself goes here
    "25": ("Africa/Monrovia", "Africa/Casablanca", "UTC", "Etc/UTC", "Etc/GMT", "GMT"),
    "26": ("Europe/London", "Europe/Dublin", "Europe/Lisbon"),  # Greenwich Mean Time: Dublin, …, London
    "27": ("Europe/Berlin", "Europe/Amsterdam", "Europe/Rome", "Europe/Stockholm", "Europe/Vienna",
           "Europe/Zurich", "Europe/Oslo"),  # (GMT+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna
    "28": ("Europe/Prague", "Europe/Belgrade", "Europe/Bratislava", "Europe/Budapest",
           "Europe/Ljubljana"),  # (GMT+01:00) Belgrade, Bratislava, Budapest, Ljubljana, Prague
    "29": ("Europe/Paris", "Europe/Brussels", "Europe/Copenhagen", "Europe/Madrid"),  # Brussels, …, Paris
    "30": ("Europe/Warsaw", "Europe/Sarajevo", "Europe/Skopje", "Europe/Zagreb"),  # Sarajevo, …, Zagreb
    "31": ("Africa/Lagos", "Africa/Kinshasa", "Africa/Luanda"),  # (GMT+01:00) West Central Africa
    "32": ("Europe/Athens", "Europe/Vilnius"),  # (GMT+02:00) Athens, Istanbul, Vilnius (Istanbul is +3 now)
    "33": ("Europe/Bucharest",),  # (GMT+02:00) Bucharest
    "34": ("Africa/Cairo",),  # (GMT+02:00) Cairo
    "35": ("Africa/Johannesburg", "Africa/Harare", "Africa/Maputo"),  # (GMT+02:00) Harare, Pretoria
    "36": ("Europe/Helsinki", "Europe/Riga", "Europe/Tallinn"),  # (GMT+02:00) Helsinki, Riga, Tallinn
    "37": ("Asia/Jerusalem",),  # (GMT+02:00) Jerusalem
    "56": ("Asia/Shanghai", "Asia/Hong_Kong", "Asia/Macau", "Asia/Chongqing", "PRC"),  # (GMT+08:00) Beijing
}

_ID_BY_ZONE = {zone: zone_id for zone_id, zones in ZONES_BY_ID.items() for zone in zones}


def huawei_zone_id(zone: str) -> str | None:
    """Huawei's ``timeZoneID`` for an IANA zone name, or None when the table has no matching entry."""
    return _ID_BY_ZONE.get(zone.strip())


def iana_zone(zone_id: str) -> str:
    """The IANA zone for a Huawei ``timeZoneID`` ("" when unknown)."""
    zones = ZONES_BY_ID.get(str(zone_id).strip())
    return zones[0] if zones else ""


def example_zones() -> str:
    return "Asia/Shanghai, Europe/Berlin, Europe/London, America/New_York"
