<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>Billstream::MainWindow</name>
    <message>
        <source>%1 – Billstream</source>
        <translation>%1 – Billstream</translation>
    </message>
    <message>
        <source>No invoices yet.</source>
        <translation>Noch keine Rechnungen.</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>Bereit</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>&amp;Bearbeiten</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>&amp;About Billstream</source>
        <translation>&amp;Über Billstream</translation>
    </message>
    <message>
        <source>About Billstream</source>
        <translation>Über Billstream</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Billstream %1&lt;/h3&gt;&lt;p&gt;An invoice manager that keeps every change as an event.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Billstream %1&lt;/h3&gt;&lt;p&gt;Eine Rechnungsverwaltung, die jede Änderung als Ereignis aufbewahrt.&lt;/p&gt;</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Billstream, a desktop invoice manager.</source>
        <translation>Billstream, eine Rechnungsverwaltung für den Desktop.</translation>
    </message>
    <message>
        <source>The store file (default: $BILLSTREAM_STORE, else the data folder).</source>
        <translation>Die Speicherdatei (Vorgabe: $BILLSTREAM_STORE, sonst der Datenordner).</translation>
    </message>
    <message>
        <source>Opens the main window on a temporary store, closes it and exits.</source>
        <translation>Öffnet das Hauptfenster mit einem temporären Speicher, schließt es und beendet sich.</translation>
    </message>
    <message>
        <source>The store file to open (like --store).</source>
        <translation>Die zu öffnende Speicherdatei (wie --store).</translation>
    </message>
</context>
</TS>
