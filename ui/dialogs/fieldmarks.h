#pragma once

#include "core/es/result.h"

#include <QHash>
#include <QString>

class QWidget;

namespace Billstream {

// Validation errors shown at the field: the widget gets a tinted background and the message as
// its tooltip and accessible description; what no field shows is returned as plain text.
namespace FieldMarks {
void markWidget(QWidget *widget, const QString &message);
void clear(QWidget *widget);
// Marks every violation whose field (or a prefix of it) names a widget; returns one line per
// violation ("E-mail: must be an e-mail address") for a summary under the form.
QString mark(const Error &error, const QHash<QString, QWidget *> &fields);
// Tints a widget as changed (history preview) or not.
void highlight(QWidget *widget, bool on);
} // namespace FieldMarks

} // namespace Billstream
