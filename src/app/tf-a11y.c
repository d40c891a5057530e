/* tf-a11y.c — accessible names GTK 4.8 does not give by itself
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "Trackfix"

#include "config.h"

#include <glib/gi18n.h>

#include "tf-a11y-private.h"

static gboolean
has_text_label (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_LABEL (child) && *gtk_label_get_text (GTK_LABEL (child)) != '\0')
        return TRUE;
      if (has_text_label (child))
        return TRUE;
    }
  return FALSE;
}

static const char *
window_control_name (GtkWidget *button)
{
  if (gtk_widget_has_css_class (button, "minimize"))
    /* Translators: screen reader name of the title bar button */
    return _ ("Minimize");
  if (gtk_widget_has_css_class (button, "maximize"))
    /* Translators: screen reader name of the title bar button */
    return _ ("Maximize");
  if (gtk_widget_has_css_class (button, "close"))
    /* Translators: screen reader name of the title bar button */
    return _ ("Close");
  return NULL;
}

static void
name_button (GtkWidget *button,
             const char *name)
{
  if (name != NULL && *name != '\0')
    gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
}

void
tf_a11y_name_buttons (GtkWidget *root)
{
  g_return_if_fail (GTK_IS_WIDGET (root));

  /* Icon-only buttons are named by their tooltip; a menu button's inner
   * toggle (what gets the focus) by the menu button's tooltip; the title
   * bar's window buttons by what they do. A button with a text label is
   * named by it already (GTK sets labelled-by). */
  if (GTK_IS_MENU_BUTTON (root))
    {
      GtkWidget *inner = gtk_widget_get_first_child (root);
      const char *tooltip = gtk_widget_get_tooltip_text (root);

      if (inner != NULL && GTK_IS_BUTTON (inner) && !has_text_label (inner))
        name_button (inner, tooltip);
    }
  else if (GTK_IS_BUTTON (root) && !has_text_label (root))
    {
      const char *name = window_control_name (root);

      if (name == NULL)
        name = gtk_widget_get_tooltip_text (root);
      if (name == NULL && gtk_widget_get_parent (root) != NULL && GTK_IS_MENU_BUTTON (gtk_widget_get_parent (root)))
        name = gtk_widget_get_tooltip_text (gtk_widget_get_parent (root));
      name_button (root, name);
    }

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      /* Lists name their rows themselves (tf-columns.c) */
      if (GTK_IS_COLUMN_VIEW (child) || GTK_IS_LIST_VIEW (child))
        continue;
      tf_a11y_name_buttons (child);
    }
}
