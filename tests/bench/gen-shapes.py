#!/usr/bin/env python3
# tests/bench/gen-shapes.py — benchmark queues of one message shape each
#
# Copyright 2026 The Trackfix authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: gen-shapes.py SHAPE DIR N TNEF_1601 TNEF_HEALTHY
#
#   flat    ~3 KB single-part text/calendar replies (1 in 10 without the
#           X-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE stamp)
#   nested  ~10 KB Exchange 2003 queue files: multipart/mixed with a
#           multipart/alternative text+HTML body and either a base64 TNEF
#           (winmail.dat, 1 in 10 with a 1601 track-status time) or an
#           iCalendar reply part
#   tnef1m  multipart/mixed with a text part and a base64 TNEF carrying a
#           1 MB attachment (attAttachData), 1 in 10 with a 1601 time
#
# TNEF_1601 / TNEF_HEALTHY are `trackfix-gen sample tnef-1601 FILE` and
# `… tnef-healthy FILE`: real TNEF streams the attachment is appended to.
import base64, os, random, struct, sys


def tnef_with_attachment(tnef, size, rnd):
    """Appends an attAttachData attribute (level 2, id 0x0006800F)."""
    data = bytes(rnd.getrandbits(8) for _ in range(min(size, 4096)))
    data = (data * (size // max(len(data), 1) + 1))[:size]
    return tnef + struct.pack('<BII', 2, 0x0006800F, len(data)) + data + struct.pack('<H', sum(data) & 0xFFFF)


def b64_lines(data):
    text = base64.b64encode(data).decode('ascii')
    return '\r\n'.join(text[i:i + 76] for i in range(0, len(text), 76))


def ics_reply(i, with_cc, description_len):
    desc = ('Agenda item %d: budget, staffing, rooms and the migration plan. ' % i) * (description_len // 64 + 1)
    desc = desc[:description_len]
    lines = [
        'BEGIN:VCALENDAR', 'PRODID:-//Microsoft Corporation//Outlook 12.0 MIMEDIR//EN', 'VERSION:2.0',
        'METHOD:REPLY', 'BEGIN:VEVENT',
        'ATTENDEE;CN="User %d";PARTSTAT=ACCEPTED:MAILTO:user%d@fabrikam.example' % (i, i),
        'ORGANIZER:MAILTO:ken.myer@contoso.example',
        'UID:040000008200E00074C5B7101A82E00800000000%032X' % i,
        'SEQUENCE:1', 'DTSTAMP:20080818T140200Z', 'DTSTART:20080819T140000Z', 'DTEND:20080819T150000Z',
        'SUMMARY:Accepted: Weekly sync %d' % i, 'DESCRIPTION:' + desc,
        'X-MICROSOFT-CDO-APPT-SEQUENCE:1',
    ]
    if with_cc:
        lines.append('X-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE:20080818T140200Z')
    lines += ['END:VEVENT', 'END:VCALENDAR']
    folded = []
    for line in lines:
        while len(line) > 75:
            folded.append(line[:75])
            line = ' ' + line[75:]
        folded.append(line)
    return '\r\n'.join(folded) + '\r\n'


def headers(i, subject, content_type):
    return ('x-sender: user%d@fabrikam.example\r\n'
            'x-receiver: ken.myer@contoso.example\r\n'
            'Received: from mail.fabrikam.example ([10.0.%d.%d]) by exchange2003.contoso.example\r\n'
            ' with Microsoft SMTPSVC(6.0.3790.3959); Mon, 18 Aug 2008 14:02:00 +0000\r\n'
            'From: "User %d" <user%d@fabrikam.example>\r\n'  # 97 senders, as queues repeat them
            'To: "Ken Myer" <ken.myer@contoso.example>\r\n'
            'Subject: %s\r\n'
            'Date: Mon, 18 Aug 2008 14:%02d:00 +0000\r\n'
            'Message-ID: <%08x.%d@fabrikam.example>\r\n'
            'MIME-Version: 1.0\r\n'
            'X-Mailer: Microsoft Office Outlook 12.0\r\n'
            'Thread-Index: AcjxKz%06dQ==\r\n'
            'Content-Type: %s\r\n\r\n') % (i, i % 250, i % 200, i % 97, i % 97, subject, i % 60, i * 2654435761 % 2**32, i, i % 10**6, content_type)


def body_text(i, n):
    return (('Please find the updated meeting details below. Item %d.\r\n' % i) * (n // 56 + 1))[:n]


def body_html(i, n):
    line = '<p class=3DMsoNormal><span style=3D\'font-size:10.0pt\'>Agenda item %d</span></p>=\r\n' % i
    return ('<html><body>\r\n' + line * (n // len(line) + 1))[:n] + '\r\n</body></html>'


def nested(i, rnd, tnef_bad, tnef_good):
    outer = '----=_NextPart_000_%04X_01C8FFFF.%08X' % (i % 65536, i)
    inner = '----=_NextPart_001_%04X_01C8FFFF.%08X' % (i % 65536, i)
    parts = [headers(i, 'Updated: Weekly sync %d' % i, 'multipart/mixed;\r\n\tboundary="%s"' % outer),
             'This is a multi-part message in MIME format.\r\n\r\n',
             '--%s\r\nContent-Type: multipart/alternative;\r\n\tboundary="%s"\r\n\r\n\r\n' % (outer, inner),
             '--%s\r\nContent-Type: text/plain;\r\n\tcharset="us-ascii"\r\nContent-Transfer-Encoding: 7bit\r\n\r\n' % inner,
             body_text(i, 1400), '\r\n\r\n',
             '--%s\r\nContent-Type: text/html;\r\n\tcharset="us-ascii"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n' % inner,
             body_html(i, 2600), '\r\n\r\n', '--%s--\r\n\r\n' % inner]
    if i % 2 == 0:
        tnef = tnef_with_attachment(tnef_bad if i % 10 == 0 else tnef_good, 2400, rnd)
        parts.append('--%s\r\nContent-Type: application/ms-tnef;\r\n\tname="winmail.dat"\r\n'
                     'Content-Transfer-Encoding: base64\r\nContent-Disposition: attachment;\r\n\tfilename="winmail.dat"\r\n\r\n' % outer)
        parts.append(b64_lines(tnef) + '\r\n\r\n')
    else:
        parts.append('--%s\r\nContent-Type: text/calendar; method=REPLY;\r\n\tcharset="utf-8"\r\n'
                     'Content-Transfer-Encoding: 7bit\r\n\r\n' % outer)
        parts.append(ics_reply(i, i % 10 != 1, 4800) + '\r\n')
    parts.append('--%s--\r\n' % outer)
    return ''.join(parts)


def flat(i, rnd, tnef_bad, tnef_good):
    return headers(i, 'Accepted: Weekly sync %d' % i, 'text/calendar; method=REPLY; charset="utf-8"') + ics_reply(i, i % 10 != 0, 1700)


def tnef1m(i, rnd, tnef_bad, tnef_good):
    outer = '----=_NextPart_000_%04X_01C8FFFF.%08X' % (i % 65536, i)
    tnef = tnef_with_attachment(tnef_bad if i % 10 == 0 else tnef_good, 1024 * 1024, rnd)
    return ''.join([headers(i, 'Updated: Plans %d' % i, 'multipart/mixed;\r\n\tboundary="%s"' % outer),
                    '--%s\r\nContent-Type: text/plain; charset="us-ascii"\r\n\r\n' % outer, body_text(i, 600), '\r\n\r\n',
                    '--%s\r\nContent-Type: application/ms-tnef; name="winmail.dat"\r\n'
                    'Content-Transfer-Encoding: base64\r\n\r\n' % outer, b64_lines(tnef), '\r\n\r\n--%s--\r\n' % outer])


def main():
    shape, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    tnef_bad = open(sys.argv[4], 'rb').read()
    tnef_good = open(sys.argv[5], 'rb').read()
    make = {'flat': flat, 'nested': nested, 'tnef1m': tnef1m}[shape]
    rnd = random.Random(17)
    os.makedirs(out, exist_ok=True)
    for i in range(n):
        text = make(i, rnd, tnef_bad, tnef_good)
        with open(os.path.join(out, '%06d.eml' % i), 'w', newline='') as f:
            f.write(text)


if __name__ == '__main__':
    main()
