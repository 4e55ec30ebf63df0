#include "ui/dialogs/messagebox.h"

#include <QFileDialog>
#include <QPushButton>

namespace Billstream {

namespace {

QMessageBox::StandardButton g_nextAnswer = QMessageBox::NoButton;
QString g_lastText;
int g_shown = 0;
QString g_nextFileName;
bool g_hasNextFileName = false;

} // namespace

void MessageBox::setNextAnswer(Button answer)
{
    g_nextAnswer = answer;
}

QString MessageBox::lastText()
{
    return g_lastText;
}

int MessageBox::shownCount()
{
    return g_shown;
}

MessageBox::Button MessageBox::ask(QWidget *parent, QMessageBox::Icon icon, const QString &title, const QString &text,
                                   Buttons buttons, Button defaultButton,
                                   const QList<QPair<Button, QString>> &buttonTexts, const QString &details)
{
    g_lastText = title + QLatin1Char('\n') + text;
    ++g_shown;
    if (g_nextAnswer != QMessageBox::NoButton) {
        const Button answer = g_nextAnswer;
        g_nextAnswer = QMessageBox::NoButton;
        return answer;
    }
    QMessageBox box(icon, title, text, buttons, parent);
    box.setObjectName(QStringLiteral("messageBox"));
    box.setDefaultButton(defaultButton);
    if (!details.isEmpty())
        box.setDetailedText(details);
    for (const auto &[button, label] : buttonTexts) {
        if (QAbstractButton *b = box.button(button))
            b->setText(label);
    }
    return Button(box.exec());
}

MessageBox::Button MessageBox::question(QWidget *parent, const QString &title, const QString &text, Buttons buttons,
                                        Button defaultButton, const QList<QPair<Button, QString>> &buttonTexts)
{
    return ask(parent, QMessageBox::Question, title, text, buttons, defaultButton, buttonTexts);
}

void MessageBox::information(QWidget *parent, const QString &title, const QString &text)
{
    ask(parent, QMessageBox::Information, title, text, QMessageBox::Ok, QMessageBox::Ok);
}

void MessageBox::warning(QWidget *parent, const QString &title, const QString &text, const QString &details)
{
    ask(parent, QMessageBox::Warning, title, text, QMessageBox::Ok, QMessageBox::Ok, {}, details);
}

void FileDialog::setNextFileName(const QString &fileName)
{
    g_nextFileName = fileName;
    g_hasNextFileName = true;
}

QString FileDialog::getOpenFileName(QWidget *parent, const QString &caption, const QString &dir, const QString &filter)
{
    if (g_hasNextFileName) {
        g_hasNextFileName = false;
        return g_nextFileName;
    }
    return QFileDialog::getOpenFileName(parent, caption, dir, filter);
}

QString FileDialog::getSaveFileName(QWidget *parent, const QString &caption, const QString &dir, const QString &filter)
{
    if (g_hasNextFileName) {
        g_hasNextFileName = false;
        return g_nextFileName;
    }
    return QFileDialog::getSaveFileName(parent, caption, dir, filter, nullptr, QFileDialog::DontConfirmOverwrite);
}

} // namespace Billstream
