/* tf-bytes-stream.c — read-only GMimeStream over a GBytes
 *
 * GMime only offers memory streams over a GByteArray it owns (copying a
 * mapped file first) or over a file descriptor. The scanner hands readers
 * a GBytes, so this small stream lets GMimeParser read it in place; with
 * the parser's persist-stream mode every part's content stays a substream
 * of the input, which also gives repair the byte offsets of each part.
 *
 * It also works around a GMime 3.2 parser bug (found by fuzz-repair, see
 * bytes_stream_read()), which is why every parser in Trackfix reads
 * through it.
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "tf-bytes-stream-private.h"

struct _TfBytesStream
{
  GMimeStream parent_instance;

  GBytes *bytes;
  const guint8 *data;
  gint64 len;
};

G_DEFINE_FINAL_TYPE (TfBytesStream, tf_bytes_stream, GMIME_TYPE_STREAM)

static gint64
bytes_stream_bound_end (GMimeStream *stream)
{
  TfBytesStream *self = TF_BYTES_STREAM (stream);

  if (stream->bound_end == -1 || stream->bound_end > self->len)
    return self->len;

  return stream->bound_end;
}

static ssize_t
bytes_stream_read (GMimeStream *stream,
                   char *buf,
                   size_t len)
{
  TfBytesStream *self = TF_BYTES_STREAM (stream);
  gint64 end = bytes_stream_bound_end (stream);
  gint64 n;

  if (stream->position < stream->bound_start || stream->position > end)
    return -1;

  n = MIN (end - stream->position, (gint64) len);

  /* GMime 3.2.13 (gmime-parser.c, step_headers()): when a part's first
   * header line is invalid and longer than what the parser has buffered,
   * and the next read starts with that line's '\n', the parser looks at
   * the byte before the new data to strip a '\r'. That byte is stale
   * buffer memory (uninitialized, or left from an earlier line); when it
   * happens to be '\r' the length underflows and g_strndup() gets
   * SIZE_MAX: a crash on a crafted 12 KB message (and, depending on heap
   * contents, on damaged ones). So never end a read just before a '\n'
   * unless the read itself ends with '\n': give one byte less, which only
   * shortens the read (short reads are normal for GMime streams) and
   * keeps every '\n' in the same read as the byte before it. */
  if (n > 1 && stream->position + n < end && self->data[stream->position + n] == '\n'
      && self->data[stream->position + n - 1] != '\n')
    n--;

  if (n > 0)
    {
      memcpy (buf, self->data + stream->position, (size_t) n);
      stream->position += n;
    }

  return (ssize_t) n;
}

static ssize_t
bytes_stream_write (GMimeStream *stream,
                    const char *buf,
                    size_t len)
{
  /* The input is read-only. */
  return -1;
}

static int
bytes_stream_flush (GMimeStream *stream)
{
  return 0;
}

static int
bytes_stream_close (GMimeStream *stream)
{
  return 0;
}

static gboolean
bytes_stream_eos (GMimeStream *stream)
{
  return stream->position >= bytes_stream_bound_end (stream);
}

static int
bytes_stream_reset (GMimeStream *stream)
{
  stream->position = stream->bound_start;
  return 0;
}

static gint64
bytes_stream_seek (GMimeStream *stream,
                   gint64 offset,
                   GMimeSeekWhence whence)
{
  gint64 end = bytes_stream_bound_end (stream);
  gint64 real;

  switch (whence)
    {
    case GMIME_STREAM_SEEK_SET:
      real = offset;
      break;
    case GMIME_STREAM_SEEK_END:
      real = end + offset;
      break;
    case GMIME_STREAM_SEEK_CUR:
      real = stream->position + offset;
      break;
    default:
      return -1;
    }

  stream->position = CLAMP (real, stream->bound_start, end);

  return stream->position;
}

static gint64
bytes_stream_tell (GMimeStream *stream)
{
  return stream->position;
}

static gint64
bytes_stream_length (GMimeStream *stream)
{
  return bytes_stream_bound_end (stream) - stream->bound_start;
}

static GMimeStream *
bytes_stream_substream (GMimeStream *stream,
                        gint64 start,
                        gint64 end)
{
  return tf_bytes_stream_new (TF_BYTES_STREAM (stream)->bytes, start, end);
}

static void
tf_bytes_stream_finalize (GObject *object)
{
  TfBytesStream *self = (TfBytesStream *) object;

  g_clear_pointer (&self->bytes, g_bytes_unref);

  G_OBJECT_CLASS (tf_bytes_stream_parent_class)->finalize (object);
}

static void
tf_bytes_stream_class_init (TfBytesStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GMimeStreamClass *stream_class = GMIME_STREAM_CLASS (klass);

  object_class->finalize = tf_bytes_stream_finalize;

  stream_class->read = bytes_stream_read;
  stream_class->write = bytes_stream_write;
  stream_class->flush = bytes_stream_flush;
  stream_class->close = bytes_stream_close;
  stream_class->eos = bytes_stream_eos;
  stream_class->reset = bytes_stream_reset;
  stream_class->seek = bytes_stream_seek;
  stream_class->tell = bytes_stream_tell;
  stream_class->length = bytes_stream_length;
  stream_class->substream = bytes_stream_substream;
}

static void
tf_bytes_stream_init (TfBytesStream *self)
{
}

GMimeStream *
tf_bytes_stream_new (GBytes *bytes,
                     gint64 start,
                     gint64 end)
{
  TfBytesStream *self;
  gsize len = 0;

  self = g_object_new (TF_TYPE_BYTES_STREAM, NULL);
  self->bytes = g_bytes_ref (bytes);
  self->data = g_bytes_get_data (bytes, &len);
  self->len = (gint64) len;
  g_mime_stream_construct (GMIME_STREAM (self), start, end);

  return GMIME_STREAM (self);
}
