#pragma once

#include <QMessageBox>

namespace Billstream {

// Modal questions and notices through one door, so GUI tests can answer them (STYLE.md 14,
// KeePassXC's MessageBox): setNextAnswer() makes the next box return at once without showing.
class MessageBox final
{
public:
    using Button = QMessageBox::StandardButton;
    using Buttons = QMessageBox::StandardButtons;

    // The answer the next box gives without being shown (NoButton: show it as usual).
    static void setNextAnswer(Button answer);
    // What the last box said (title, then text), shown or answered by the seam.
    static QString lastText();
    static int shownCount();

    // `buttonTexts` renames standard buttons (e.g. Retry → "Reload").
    static Button ask(QWidget *parent, QMessageBox::Icon icon, const QString &title, const QString &text,
                      Buttons buttons, Button defaultButton,
                      const QList<QPair<Button, QString>> &buttonTexts = {}, const QString &details = {});

    static Button question(QWidget *parent, const QString &title, const QString &text,
                           Buttons buttons = Buttons(QMessageBox::Yes | QMessageBox::No),
                           Button defaultButton = QMessageBox::No,
                           const QList<QPair<Button, QString>> &buttonTexts = {});
    static void information(QWidget *parent, const QString &title, const QString &text);
    static void warning(QWidget *parent, const QString &title, const QString &text, const QString &details = {});
};

// File choosers through one door, for the same reason.
class FileDialog final
{
public:
    // The next chooser returns this name without being shown ("" afterwards: shown as usual).
    static void setNextFileName(const QString &fileName);
    static QString getOpenFileName(QWidget *parent, const QString &caption, const QString &dir, const QString &filter);
    static QString getSaveFileName(QWidget *parent, const QString &caption, const QString &dir, const QString &filter);
};

} // namespace Billstream
