#include "ui/dialogs/fieldmarks.h"

#include <QWidget>

namespace Billstream::FieldMarks {

namespace {

bool isDark(const QWidget *w)
{
    return w->palette().color(QPalette::Base).lightness() < 128;
}

void tint(QWidget *widget, const QColor &color)
{
    QPalette p = widget->palette();
    p.setColor(QPalette::Base, color);
    p.setColor(QPalette::Button, color);
    widget->setPalette(p);
    widget->setAutoFillBackground(true);
}

} // namespace

void markWidget(QWidget *widget, const QString &message)
{
    tint(widget, isDark(widget) ? QColor(110, 30, 30) : QColor(255, 215, 215));
    widget->setToolTip(message);
    widget->setAccessibleDescription(message);
    widget->setProperty("violation", message);
}

void clear(QWidget *widget)
{
    if (!widget->property("violation").isValid() && !widget->property("changed").toBool())
        return;
    widget->setPalette(QPalette());
    widget->setToolTip({});
    widget->setAccessibleDescription({});
    widget->setProperty("violation", QVariant());
    widget->setProperty("changed", false);
}

QString mark(const Error &error, const QHash<QString, QWidget *> &fields)
{
    if (error.violations.isEmpty())
        return error.message;
    QStringList lines;
    for (const Violation &v : error.violations) {
        QWidget *target = nullptr;
        for (QString f = v.field; !f.isEmpty() && !target; f = f.left(std::max<qsizetype>(0, f.lastIndexOf(QLatin1Char('.'))))) {
            target = fields.value(f);
            if (!f.contains(QLatin1Char('.')))
                break;
        }
        QString name = v.field.section(QLatin1Char('.'), -1);
        if (target) {
            markWidget(target, v.message);
            if (!target->accessibleName().isEmpty())
                name = target->accessibleName();
        }
        lines << (name.isEmpty() ? v.message : name + QStringLiteral(": ") + v.message);
    }
    return lines.join(QLatin1Char('\n'));
}

void highlight(QWidget *widget, bool on)
{
    if (on) {
        tint(widget, isDark(widget) ? QColor(120, 100, 20) : QColor(255, 240, 170));
        widget->setProperty("changed", true);
    } else if (widget->property("changed").toBool()) {
        widget->setPalette(QPalette());
        widget->setProperty("changed", false);
    }
}

} // namespace Billstream::FieldMarks
