import QtQuick
import QtTest
import ProxFlow.Ui

// The reusable components: a path-bound field edits the document and shows the engine's error for
// its path; navigation reports the chosen view; the error banner names the path.
TestCase {
    id: test
    name: "Components"
    when: windowShown
    visible: true // TestCase is hidden by default; components under test must be visible to be clicked
    width: 600
    height: 400

    Component { id: documentComponent; ConfigDocument {} }
    Component { id: fieldComponent; PathField { width: 300 } }
    Component { id: navComponent; NavigationList { width: 200; height: 400 } }
    Component { id: bannerComponent; ErrorBanner { width: 400 } }

    function test_path_field_writes_the_document_as_you_type() {
        const doc = createTemporaryObject(documentComponent, test)
        doc.addSite(":8080", "")
        const field = createTemporaryObject(fieldComponent, test, { document: doc, path: "apps.http.servers.site0.listen", list: true })
        compare(field.field.text, ":8080")
        field.field.forceActiveFocus()
        field.field.selectAll()
        keyClick(Qt.Key_Backspace)
        for (const c of ":9090, :9091")
            keyClick(c)
        compare(doc.textAt("apps.http.servers.site0.listen"), ":9090, :9091")
        compare(doc.count("apps.http.servers.site0.listen"), 2)
        doc.undo()
        compare(doc.textAt("apps.http.servers.site0.listen"), ":8080")
        compare(field.field.text, ":8080")
    }

    function test_path_field_shows_the_error_for_its_path_only() {
        const doc = createTemporaryObject(documentComponent, test)
        const dial = createTemporaryObject(fieldComponent, test, { document: doc, path: "x.upstreams[0].dial" })
        const other = createTemporaryObject(fieldComponent, test, { document: doc, path: "x.upstreams[1].dial" })
        compare(dial.error, "")
        doc.setError("x.upstreams[0].dial", "invalid port")
        compare(dial.error, "invalid port")
        compare(other.error, "")
        verify(findChild(dial, "error:x.upstreams[0].dial").visible)
        doc.setError("", "")
        compare(dial.error, "")
    }

    function test_navigation_reports_the_chosen_view() {
        const nav = createTemporaryObject(navComponent, test)
        const spy = createTemporaryObject(signalSpyComponent, test, { target: nav, signalName: "viewChosen" })
        tryVerify(() => findChild(nav, "nav_dashboard") !== null && findChild(nav, "nav_dashboard").height > 0)
        const item = findChild(nav, "nav_dashboard")
        mouseClick(item)
        compare(spy.count, 1)
        compare(spy.signalArguments[0][0], "dashboard")
    }

    function test_error_banner_names_the_path() {
        const doc = createTemporaryObject(documentComponent, test)
        const banner = createTemporaryObject(bannerComponent, test, { document: doc })
        verify(!banner.visible)
        doc.setError("apps.http.servers.a.listen", "cannot listen")
        verify(banner.visible)
        verify(findChild(banner, "errorBanner").text.indexOf("apps.http.servers.a.listen") >= 0)
    }

    Component { id: signalSpyComponent; SignalSpy {} }
}
