"""VietQR: the NAPAS 247 payment QR (EMVCo merchant-presented mode, TLV fields, CRC-16/CCITT-FALSE).

Fields: 00 payload format "01"; 01 point of initiation "12" (dynamic: carries an amount); 38 merchant account
(00 NAPAS AID A000000727, 01 beneficiary {00 bank BIN, 01 account}, 02 service QRIBFTTA = transfer to account);
53 currency 704 (VND); 54 amount; 58 country VN; 62 additional data {08 purpose = transfer note}; 63 CRC.
"""

from __future__ import annotations

import re

import segno

NAPAS_AID = "A000000727"
SERVICE_TO_ACCOUNT = "QRIBFTTA"


def tlv(tag: str, value: str) -> str:
    if len(value) > 99:
        raise ValueError(f"EMV field {tag} is longer than 99 characters")
    return f"{tag}{len(value):02d}{value}"


def crc16_ccitt_false(data: bytes) -> int:
    """CRC-16/CCITT-FALSE: polynomial 0x1021, initial 0xFFFF, no reflection, no final xor."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return crc


def clean_note(note: str) -> str:
    """Bank apps accept plain ASCII letters, digits and spaces in transfer notes."""
    return re.sub(r"[^A-Za-z0-9 ]", "", note)[:25]


def payload(*, bin: str, account: str, amount: int | None, note: str = "") -> str:
    merchant = tlv("00", NAPAS_AID) + tlv("01", tlv("00", bin) + tlv("01", account)) + tlv("02", SERVICE_TO_ACCOUNT)
    body = tlv("00", "01") + tlv("01", "12" if amount else "11") + tlv("38", merchant) + tlv("53", "704")
    if amount:
        body += tlv("54", str(int(amount)))
    body += tlv("58", "VN")
    if note:
        body += tlv("62", tlv("08", clean_note(note)))
    body += "6304"
    return body + f"{crc16_ccitt_false(body.encode('ascii')):04X}"


def svg_data_uri(data: str) -> str:
    """The QR as an SVG data: URL (no view or storage needed; an <img src> shows it)."""
    return segno.make(data, error="m", micro=False).svg_data_uri(scale=4, border=2)
