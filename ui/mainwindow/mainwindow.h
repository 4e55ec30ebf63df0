#pragma once

#include <QMainWindow>

class QStackedWidget;
class QLabel;

namespace Billstream {

// The main window: menus, the central area for the lists, a status bar.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(const QString &storePath, QWidget *parent = nullptr);
    ~MainWindow() override;

    QString storePath() const { return m_storePath; }

public slots:
    void showAbout();

private:
    void createMenus();

    QString m_storePath;
    QStackedWidget *m_central = nullptr;
    QLabel *m_statusStore = nullptr;
};

} // namespace Billstream
