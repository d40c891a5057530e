/* tf-fixturegen-pst.h — TEST-ONLY writer of Outlook PST files ([MS-PST])
 *
 * No library writes PST files (libpff and libpst are read-only), and no
 * public PST carries a 0x5FFB0040 column, so the tests, the demo data and
 * the benchmarks make their own with this hand-written writer. It is never
 * linked into trackfix or trackfix-cli.
 *
 * What it writes (ANSI: 32-bit, wVer 14; Unicode: 64-bit, wVer 23):
 *  - NDB: HEADER with dwCRCPartial (and dwCRCFull for Unicode), NBT and BBT
 *    B-trees of 512-byte BTPAGEs with PAGETRAILER and CRC, data blocks with
 *    BLOCKTRAILER (cb, wSig, dwCRC, bid) and the [MS-PST] 5.3 CRC of the
 *    encoded bytes, XBLOCK/XXBLOCK data trees above one block, SLBLOCK/
 *    SIBLOCK subnode lists, AMap pages covering the whole file (the file
 *    grows in whole AMap intervals), PMap pages every 8 AMaps and FMap pages
 *    at their intervals (deprecated, but their presence is required), block
 *    encoding NDB_CRYPT_NONE, PERMUTE (default, as Outlook) or CYCLIC.
 *  - LTP: heaps on node over one or more blocks (HNHDR, HNPAGEHDR,
 *    HNBITMAPHDR), BTHs of any depth, PCs, TCs with the row matrix in the
 *    heap or in a subnode of whole-row blocks, cell existence bitmaps.
 *  - Messaging: message store (record key, IPM subtree / wastebasket /
 *    finder entry ids), name-to-id map with the PSETID_Meeting
 *    GlobalObjectId (LID 0x0003) and CleanGlobalObjectId (LID 0x0023) as
 *    real named properties (0x8000, 0x8001), root folder, "Top of Personal
 *    Folders" with any folder tree below (non-ASCII names), hierarchy,
 *    contents and associated-contents tables, messages with class, subject,
 *    sender, times, code pages, optional body, recipient tables (0x0692)
 *    with 0x3003, 0x39FE, 0x0C15, 0x5FFF, 0x5FFB0040 (present with any
 *    value, or absent with its CEB bit clear), NDR columns, attachment
 *    tables (0x0671) with by-value payloads of any size (streamed to disk)
 *    and embedded messages (method 5) with their own recipient tables.
 *
 * What it does not write: search folders and their queues, the folder and
 * table templates (NIDs 0xA1, 0xC1, 0x60D…), the density list (DList) page,
 * FPMap pages (only needed past ~8 GB), associated (FAI) messages,
 * store properties other than a password (tf_pst_writer_set_password), named
 * properties other than the two
 * GOIDs, multi-valued properties. ANSI strings are written in Windows-1252
 * ('?' for what it lacks) whatever PidTagMessageCodepage says, so a message
 * with another code page makes the "wrong code page" case. Every node is written once (cRef 2); the
 * writer never updates a file in place.
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  TF_PST_CRYPT_NONE = 0,
  TF_PST_CRYPT_PERMUTE = 1,
  TF_PST_CRYPT_CYCLIC = 2,
} TfPstCrypt;

typedef struct
{
  const char *name;        /* PidTagDisplayName */
  const char *email;       /* PidTagEmailAddress 0x3003 (SMTP or an X.500 DN) */
  const char *smtp;        /* PidTagSmtpAddress 0x39FE, NULL omits the cell */
  guint32 type;            /* PidTagRecipientType: 0 originator, 1 To, 2 Cc, 3 Bcc */
  gint track_status;       /* 0x5FFF0003, < 0 = absent cell */
  gboolean has_track_time; /* FALSE: the 0x5FFB0040 cell is absent */
  guint64 track_time;      /* FILETIME */
  const char *ndr_info;    /* NDR row: PidTagSupplementaryInfo text, NULL none */
} TfPstRecipient;

typedef struct _TfPstMessage TfPstMessage;
struct _TfPstMessage
{
  const char *message_class; /* "IPM.Appointment", "REPORT.IPM.Note.NDR"… */
  const char *subject;
  const char *sender_name;
  const char *sender_email;
  gint64 sent;      /* unix seconds */
  const char *uid;  /* seeds the GOID; NULL: no GOID */
  gint64 instance;  /* exception date (unix, UTC) in the GOID; 0 none */
  const char *body; /* PidTagBody, NULL none */
  guint32 codepage; /* PidTagMessageCodepage; 0 = 1252 */
  const TfPstRecipient *recipients;
  guint n_recipients;
  guint64 attachment_size;      /* one by-value attachment of that size; 0 none */
  const TfPstMessage *embedded; /* attachments of method 5 (afEmbeddedMessage) */
  guint n_embedded;
};

typedef struct _TfPstWriter TfPstWriter;

/* Starts a file at @path (written to a temporary file next to it and
 * renamed by tf_pst_writer_finish). */
TfPstWriter *tf_pst_writer_new (const char *path,
                                gboolean unicode,
                                TfPstCrypt crypt,
                                GError **error);
/* NID of "Top of Personal Folders" (the IPM subtree) */
guint32 tf_pst_writer_ipm_subtree (TfPstWriter *writer);
/* A folder below @parent (a folder NID) named @name; @container_class
 * such as "IPF.Appointment", NULL for mail. Returns its NID. */
guint32 tf_pst_writer_add_folder (TfPstWriter *writer,
                                  guint32 parent,
                                  const char *name,
                                  const char *container_class);
/* Writes @message into @folder at once; returns its NID, 0 on error. */
guint32 tf_pst_writer_add_message (TfPstWriter *writer,
                                   guint32 folder,
                                   const TfPstMessage *message,
                                   GError **error);
/* Leaves @bytes of free space before whatever the writer writes next: a
 * hole in the file (nothing is written there but the allocation maps, which
 * record it as free), so that what follows lies at large offsets. Unicode
 * files only, and under 8 GB in all (no FPMap pages). For tests of offsets
 * past 4 GiB without writing gigabytes. */
void tf_pst_writer_skip (TfPstWriter *writer,
                         guint64 bytes);
/* Gives the store a PidTagPstPassword (0x67FF0003, the CRC-32 of the
 * password Outlook asks for; the data is not encrypted with it) */
void tf_pst_writer_set_password (TfPstWriter *writer,
                                 guint32 password_crc);
gboolean tf_pst_writer_finish (TfPstWriter *writer,
                               GError **error);
void tf_pst_writer_free (TfPstWriter *writer);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TfPstWriter, tf_pst_writer_free)

/* The demo's "Q3 budget review": its GlobalObjectId in hex, the UID of
 * the queue files (tf-fixturegen-demo.c) and of the PST item */
#define TF_GEN_DEMO_BUDGET_UID "040000008200E00074C5B7101A82E00800000000E0A3C2F0D8FDC801000000000000000010000000C5D1F26BB4E7AB4D9AF9D0A4E7E6A2B3"

/* trackfix-gen pst-demo FILE: the small Unicode demo PST (a stuck calendar
 * item, a recurring meeting whose exception has a 1601 row, an absent
 * cell, a healthy meeting); tf_gen_demo() writes it as
 * Mailbox/Ken Myer.pst. */
gboolean tf_gen_pst_demo (const char *path,
                          GError **error);
/* trackfix-gen pst-bench FILE: a PST (Unicode unless --ansi; PERMUTE
 * unless --crypt) of about @size bytes with @n messages in four folders,
 * most bytes in attachments; 3 rows each, 1 message in 200 with a 1601
 * row, 1 in 3 with an absent 0x5FFB cell. */
gboolean tf_gen_pst_bench (const char *path,
                           gboolean unicode,
                           TfPstCrypt crypt,
                           guint64 size,
                           guint n,
                           GError **error);
/* trackfix-gen pst-cases DIR: the test set (see tf-fixturegen-pst-cases.c);
 * writes DIR/MANIFEST with the expected values. */
gboolean tf_gen_pst_cases (const char *dir,
                           GError **error);

G_END_DECLS
