#include "ui/session/session.h"

#include <billstream/version.h>

#include <QJsonDocument>

namespace Billstream {

namespace {

QString loginName()
{
    QString user = qEnvironmentVariable("USER");
    if (user.isEmpty())
        user = qEnvironmentVariable("USERNAME");
    return user.isEmpty() ? QStringLiteral("desktop") : user;
}

} // namespace

Session::Session(const QString &path, const Options &options)
    : m_path(path)
    , m_options(options)
{
    if (m_options.actor.isEmpty())
        m_options.actor = loginName();
    if (!m_options.clock) {
        m_systemClock = std::make_unique<SystemClock>();
        m_clock = m_systemClock.get();
    } else {
        m_clock = m_options.clock;
    }
    // Several appends in a row (one command's undo, a restore) refresh the lists once.
    m_coalesce.setSingleShot(true);
    m_coalesce.setInterval(0);
    connect(&m_coalesce, &QTimer::timeout, this, &Session::emitChanged);
    connect(&m_poll, &QTimer::timeout, this, &Session::checkForChanges);
}

Session::~Session()
{
    // Books hold temporary tables of the connection: drop them before the store closes.
    m_book.reset();
    m_service.reset();
    m_readSide.reset();
}

Result<std::unique_ptr<Session>> Session::open(const QString &path, const Options &options)
{
    std::unique_ptr<Session> s(new Session(path, options));
    StoreOptions storeOptions;
    storeOptions.clock = s->m_clock;
    storeOptions.appVersion = QStringLiteral(BILLSTREAM_VERSION);
    auto readSide = ReadSide::open(path, storeOptions);
    if (!readSide)
        return fail(readSide.error());
    s->m_readSide = std::move(*readSide);
    s->m_service = std::make_unique<InvoicingService>(s->m_readSide->store(), *s->m_clock);
    auto book = Book::live(s->store(), s->tenantId(), s->today());
    if (!book)
        return fail(book.error());
    s->m_book = std::move(*book);
    if (auto v = s->store().dataVersion())
        s->m_dataVersion = *v;
    connect(&s->store(), &EventStore::eventsAppended, s.get(), &Session::scheduleChanged);
    connect(s->m_readSide.get(), &ReadSide::asyncCaughtUp, s.get(), &Session::reportsChanged);
    if (options.pollIntervalMs > 0) {
        s->m_poll.setInterval(options.pollIntervalMs);
        s->m_poll.start();
    }
    return s;
}

Result<AppendResult> Session::execute(const QJsonObject &command)
{
    return m_service->execute(m_options.tenantId, command, m_options.actor);
}

Result<Book> Session::bookAt(const QDateTime &time) const
{
    return time.isValid() ? Book::asOf(store(), tenantId(), time) : Book::live(store(), tenantId(), today());
}

Status Session::setAsOf(const QDateTime &time)
{
    if (time == m_asOf && m_book)
        return {};
    Result<Book> book = bookAt(time);
    if (!book)
        return fail(book.error());
    showBook(std::move(*book), time);
    return {};
}

void Session::showBook(Book book, const QDateTime &time)
{
    m_book = std::move(book);
    m_asOf = time;
    emit asOfChanged();
}

Status Session::reopenBook()
{
    Result<Book> book = bookAt(m_asOf);
    if (!book)
        return fail(book.error());
    if (auto v = store().dataVersion())
        m_dataVersion = *v;
    showBook(std::move(*book), m_asOf);
    return {};
}

Result<Book> Session::liveBook() const
{
    return Book::live(store(), tenantId(), today());
}

bool Session::isEmpty()
{
    auto events = store().readAll(tenantId(), 1, 1);
    return events && events->isEmpty();
}

void Session::setPolling(bool on)
{
    if (m_options.pollIntervalMs <= 0)
        return;
    if (on)
        m_poll.start();
    else
        m_poll.stop();
}

void Session::checkForChanges()
{
    auto v = store().dataVersion();
    if (!v || *v == m_dataVersion)
        return;
    m_dataVersion = *v;
    // Another process committed: bring the async projections along, then refresh like after
    // our own append.
    if (!store().isReadOnly()) {
        if (auto reached = m_readSide->catchUp(); reached)
            emit reportsChanged();
    }
    emit externalChange();
    scheduleChanged();
}

void Session::scheduleChanged()
{
    if (!m_coalesce.isActive())
        m_coalesce.start();
}

void Session::emitChanged()
{
    // A live book is a view of the live tables; a fresh handle moves its head and its "today".
    if (isLive()) {
        if (auto book = Book::live(store(), tenantId(), today()))
            m_book = std::move(*book);
    }
    if (auto v = store().dataVersion())
        m_dataVersion = *v;
    emit changed();
}

} // namespace Billstream
