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
    Component { id: routeEditorComponent; RouteEditor { width: 580; height: 380 } }

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

    // The header matcher follows the route shown (and undo), so typing never lands on another route.
    function test_route_editor_header_field_follows_the_route_and_undo() {
        const doc = createTemporaryObject(documentComponent, test)
        doc.addSite(":8080", "")
        doc.addRoute("site0", "static_response")
        const first = "apps.http.servers.site0.routes[0]", second = "apps.http.servers.site0.routes[1]"
        doc.setHeaderMatch(first, "X-Canary: 1")
        const editor = createTemporaryObject(routeEditorComponent, test, { document: doc, routePath: first })
        const header = findChild(editor, "headerMatch")
        verify(header)
        compare(header.text, "X-Canary: 1")

        editor.routePath = second
        compare(header.text, "")
        header.forceActiveFocus()
        for (const c of "X-Beta: 2")
            keyClick(c)
        compare(header.text, "X-Beta: 2") // typing is not rewritten under the cursor
        compare(doc.headerMatchText(second), "X-Beta: 2")
        compare(doc.headerMatchText(first), "X-Canary: 1")

        doc.undo()
        compare(doc.headerMatchText(second), "")
        compare(header.text, "")
        editor.routePath = first
        compare(header.text, "X-Canary: 1")
        doc.setHeaderMatch(first, "X-Other: 3") // changed elsewhere (a pull, the Caddyfile view)
        compare(header.text, "X-Other: 3")
        editor.destroy() // before the document it reads
        wait(0)
    }

    function editorFile(editor) {
        const source = String(findChild(editor, "handlerEditor").source)
        return source.slice(source.lastIndexOf("/") + 1)
    }

    // The route editor loads the editor its handler's module brings, by name, and the generic JSON
    // view for a handler without one; a handler ProxFlow does not run says so.
    function test_route_editor_loads_the_editor_of_its_handler_by_name() {
        const doc = createTemporaryObject(documentComponent, test)
        doc.addSite(":8080", "")
        doc.addRoute("site0", "static_response")
        const proxy = "apps.http.servers.site0.routes[0]", page = "apps.http.servers.site0.routes[1]"
        const editor = createTemporaryObject(routeEditorComponent, test, { document: doc, routePath: proxy })
        tryCompare(findChild(editor, "handlerEditor"), "status", Loader.Ready)
        compare(editorFile(editor), "ReverseProxyEditor.qml")
        verify(findChild(editor, "routeAddUpstream"))
        verify(!findChild(editor, "notRunBadge").visible)
        compare(findChild(editor, "handlerEditor").item.handlerPath, proxy + ".handle[0]")

        editor.routePath = page
        compare(editorFile(editor), "StaticResponseEditor.qml")
        compare(findChild(editor, "handlerEditor").item.handlerPath, page + ".handle[0]")
        verify(findChild(editor, "redirectPreset"))
        tryVerify(() => !findChild(editor, "routeAddUpstream")) // the proxy editor goes (deleteLater)

        // A module without an editor: the generic view shows the Caddyfile it exports to, read-only.
        doc.setHandlerType(page + ".handle[0]", "metrics")
        compare(editorFile(editor), "GenericHandlerEditor.qml")
        compare(findChild(editor, "handlerText").text, "metrics")
        verify(findChild(editor, "handlerText").readOnly)
        verify(!findChild(editor, "notRunBadge").visible)

        // A module's own editor comes from its folder's file, with no edit to the route editor.
        doc.setHandlerType(page + ".handle[0]", "file_server")
        compare(editorFile(editor), "FileServerEditor.qml")
        compare(findChild(editor, "handlerEditor").item.handlerPath, page + ".handle[0]")
        compare(doc.textAt(page + ".handle[0].root"), String(HandlerCatalogue.get(HandlerCatalogue.indexOf("file_server")).defaults.root))
        const browse = findChild(editor, "browse")
        verify(!browse.checked)
        browse.toggle()
        browse.toggled()
        verify(doc.value(page + ".handle[0].browse") !== undefined)
        tryCompare(browse, "checked", true)

        // A module ProxFlow adapts and exports but does not run (templates) wears the badge, and
        // reads as its Caddyfile.
        verify(!HandlerCatalogue.runs("templates"))
        doc.setHandlerType(page + ".handle[0]", "templates")
        compare(editorFile(editor), "GenericHandlerEditor.qml")
        verify(findChild(editor, "notRunBadge").visible)
        compare(findChild(editor, "handlerText").text, "templates")

        // A handler no module has: the generic view, and the route says what it runs.
        doc.setText(page + ".handle[0].handler", "no_such_handler")
        compare(editorFile(editor), "GenericHandlerEditor.qml")
        verify(findChild(editor, "unknownHandler").visible)
        verify(findChild(editor, "notRunBadge").visible)
        editor.destroy()
        wait(0)
    }

    // A route with a rate limit in front: the strip lists both in the order they run, the editor
    // shows what the route does until the policy is picked, then the policy's own editor, whose
    // choices are the catalogue's and whose edits land in the document.
    function test_route_editor_shows_policies_in_front_and_their_editor() {
        const doc = createTemporaryObject(documentComponent, test)
        doc.addSite(":8080", "")
        const route = "apps.http.servers.site0.routes[0]"
        const policy = doc.attachHandler(route, "rate_limit")
        compare(policy, route + ".handle[0]")
        const editor = createTemporaryObject(routeEditorComponent, test, { document: doc, routePath: route })
        verify(findChild(editor, "handlerStrip").visible)
        tryCompare(findChild(editor, "handlerEditor"), "status", Loader.Ready)
        compare(editorFile(editor), "ReverseProxyEditor.qml")
        compare(findChild(editor, "handlerEditor").item.handlerPath, route + ".handle[1]")

        mouseClick(findChild(editor, "handlerStep:0"))
        compare(editor.handlerPath, policy)
        compare(editorFile(editor), "RateLimitEditor.qml")
        verify(findChild(editor, "removePolicy").visible)
        const algorithm = findChild(editor, "choice:" + policy + ".algorithm")
        compare(algorithm.count, HandlerCatalogue.choices("rate_limit", "algorithm").length)
        compare(algorithm.currentValue, "token_bucket")
        verify(findChild(editor, "field:" + policy + ".burst").visible)
        verify(!findChild(editor, "field:" + policy + ".window").visible)
        algorithm.activated(HandlerCatalogue.choices("rate_limit", "algorithm").indexOf("sliding_window"))
        compare(doc.textAt(policy + ".algorithm"), "sliding_window")
        verify(!findChild(editor, "field:" + policy + ".burst").visible)
        verify(findChild(editor, "field:" + policy + ".window").visible)
        verify(findChild(editor, "rateLimitSummary").text.indexOf("in any 1s") >= 0)

        const rate = findChild(editor, "field:" + policy + ".rate")
        rate.forceActiveFocus()
        rate.selectAll()
        for (const c of "600/m")
            keyClick(c)
        compare(doc.textAt(policy + ".rate"), "600/m")

        const key = findChild(editor, "choice:" + policy + ".key")
        key.activated(key.indexOfValue("header"))
        const header = findChild(editor, "keyHeader")
        verify(header.visible)
        header.forceActiveFocus()
        header.selectAll()
        for (const c of "X-Team")
            keyClick(c)
        compare(doc.textAt(policy + ".key"), "{http.request.header.X-Team}")
        compare(header.text, "X-Team")

        const distributed = findChild(editor, "distributed")
        verify(!findChild(editor, "field:" + policy + ".distributed.redis.address").visible)
        distributed.toggle() // below the editor's fold: as a click would
        distributed.toggled()
        verify(doc.value(policy + ".distributed") !== undefined)
        verify(findChild(editor, "field:" + policy + ".distributed.redis.address").visible)
        doc.undo()
        verify(!distributed.checked)

        mouseClick(findChild(editor, "removePolicy"))
        compare(doc.count(route + ".handle"), 1)
        compare(editorFile(editor), "ReverseProxyEditor.qml")
        verify(!findChild(editor, "handlerStrip").visible)
        editor.destroy()
        wait(0)
    }

    // An engine error for a rate-limit field shows under that field (the session puts the engine's
    // error on the document; here it is set as the validation would).
    function test_rate_limit_editor_shows_the_error_under_its_field() {
        const doc = createTemporaryObject(documentComponent, test)
        doc.addSite(":8080", "")
        const route = "apps.http.servers.site0.routes[0]"
        const policy = doc.attachHandler(route, "rate_limit")
        const editor = createTemporaryObject(routeEditorComponent, test, { document: doc, routePath: route })
        editor.show(policy)
        compare(editorFile(editor), "RateLimitEditor.qml")
        doc.setError(policy + ".rate", "the rate must be above 0, not 0")
        verify(findChild(editor, "error:" + policy + ".rate").visible)
        compare(findChild(editor, "error:" + policy + ".rate").text, "the rate must be above 0, not 0")
        verify(!findChild(editor, "error:" + policy + ".burst").visible)
        doc.setError("", "")
        verify(!findChild(editor, "error:" + policy + ".rate").visible)
        editor.destroy()
        wait(0)
    }

    function typeInto(editor, path, text) {
        const field = findChild(editor, "field:" + path)
        verify(field, path)
        verify(field.visible, path)
        field.forceActiveFocus()
        field.selectAll()
        keyClick(Qt.Key_Backspace)
        for (const c of text)
            keyClick(c)
    }

    // The reverse_proxy editor's breaker switch and fields, and the adaptive policy's options, write
    // exactly the JSON of the spec (typed durations stay as typed; thresholds and alpha are numbers);
    // switching the breaker off takes the whole object away, and a new policy drops the old one's options.
    function test_reverse_proxy_editor_writes_the_breaker_and_the_adaptive_policy() {
        const doc = createTemporaryObject(documentComponent, test)
        doc.addSite(":8080", "")
        const route = "apps.http.servers.site0.routes[0]"
        const handler = route + ".handle[0]"
        const breaker = handler + ".circuit_breaker"
        const policy = handler + ".load_balancing.selection_policy"
        const editor = createTemporaryObject(routeEditorComponent, test, { document: doc, routePath: route })
        tryCompare(findChild(editor, "handlerEditor"), "status", Loader.Ready)
        compare(editorFile(editor), "ReverseProxyEditor.qml")

        const onOff = findChild(editor, "circuitBreaker")
        verify(!onOff.checked)
        verify(!findChild(editor, "field:" + breaker + ".failure_threshold").visible)
        onOff.toggle() // below the editor's fold: as a click would
        onOff.toggled()
        compare(JSON.parse(doc.jsonAt(breaker)), { type: "intelligent" })
        compare(findChild(editor, "field:" + breaker + ".min_requests").placeholderText, "10")
        typeInto(editor, breaker + ".failure_threshold", "0.5")
        typeInto(editor, breaker + ".recovery_timeout", "60s")
        typeInto(editor, breaker + ".half_open_max_requests", "3")
        typeInto(editor, breaker + ".latency_threshold", "5s")
        typeInto(editor, breaker + ".min_requests", "10")
        typeInto(editor, breaker + ".evaluation_window", "60s")
        typeInto(editor, breaker + ".ramp_up_duration", "30s")
        typeInto(editor, breaker + ".failure_status", "5, 503")
        compare(JSON.parse(doc.jsonAt(breaker)), {
            type: "intelligent", failure_threshold: 0.5, recovery_timeout: "60s", half_open_max_requests: 3,
            latency_threshold: "5s", min_requests: 10, evaluation_window: "60s", ramp_up_duration: "30s",
            failure_status: [5, 503] })
        verify(doc.jsonAt(breaker).indexOf("0.5") >= 0) // a number, not "0.5"
        verify(doc.jsonAt(breaker).indexOf("\"0.5\"") < 0)

        // The engine's error for a field shows under that field only; one about the type under the switch.
        doc.setError(breaker + ".failure_threshold", "must be above 0 and at most 1")
        verify(findChild(editor, "error:" + breaker + ".failure_threshold").visible)
        compare(findChild(editor, "error:" + breaker + ".failure_threshold").text, "must be above 0 and at most 1")
        verify(!findChild(editor, "error:" + breaker + ".recovery_timeout").visible)
        doc.setError(breaker + ".type", "unknown circuit breaker type \"simple\"")
        verify(findChild(editor, "error:" + breaker).visible)
        doc.setError("", "")

        // The adaptive options show while the policy is adaptive.
        const choice = findChild(editor, "choice:" + policy + ".policy")
        verify(!findChild(editor, "field:" + policy + ".alpha").visible)
        const policies = HandlerCatalogue.choices("reverse_proxy", "selection_policy")
        verify(policies.indexOf("adaptive") >= 0)
        choice.activated(policies.indexOf("adaptive"))
        compare(doc.textAt(policy + ".policy"), "adaptive")
        verify(findChild(editor, "field:" + policy + ".alpha").visible)
        compare(findChild(editor, "field:" + policy + ".alpha").placeholderText, "0.3")
        typeInto(editor, policy + ".history_length", "10")
        typeInto(editor, policy + ".update_interval", "1m")
        typeInto(editor, policy + ".alpha", "0.3")
        compare(JSON.parse(doc.jsonAt(handler + ".load_balancing")),
                { selection_policy: { policy: "adaptive", history_length: 10, update_interval: "1m", alpha: 0.3 } })
        choice.activated(policies.indexOf("round_robin"))
        compare(JSON.parse(doc.jsonAt(policy)), { policy: "round_robin" })
        verify(!findChild(editor, "field:" + policy + ".alpha").visible)

        onOff.toggle()
        onOff.toggled()
        compare(doc.jsonAt(breaker), "")
        verify(!findChild(editor, "field:" + breaker + ".failure_threshold").visible)
        doc.undo() // the switch follows the document
        verify(onOff.checked)
        compare(JSON.parse(doc.jsonAt(breaker)).failure_threshold, 0.5)
        editor.destroy()
        wait(0)
    }

    // The kinds are the engine's catalogue; picking one writes that module's default.
    function test_route_editor_kinds_are_the_catalogue() {
        const doc = createTemporaryObject(documentComponent, test)
        doc.addSite(":8080", "")
        const route = "apps.http.servers.site0.routes[0]"
        const editor = createTemporaryObject(routeEditorComponent, test, { document: doc, routePath: route })
        const kinds = findChild(editor, "handlerKind")
        compare(kinds.count, HandlerCatalogue.count)
        verify(kinds.count > 3)
        compare(kinds.currentIndex, HandlerCatalogue.indexOf("reverse_proxy"))
        compare(kinds.currentText, "Reverse proxy")
        const page = HandlerCatalogue.indexOf("static_response")
        kinds.activated(page)
        compare(doc.textAt(route + ".handle[0].handler"), "static_response")
        compare(doc.textAt(route + ".handle[0].status_code"), String(HandlerCatalogue.get(page).defaults.status_code))
        compare(kinds.currentIndex, page)
        compare(editorFile(editor), "StaticResponseEditor.qml")
        editor.destroy()
        wait(0)
    }

    // The static_response editor's redirect preset and back.
    function test_static_response_editor_turns_into_a_redirect_and_back() {
        const doc = createTemporaryObject(documentComponent, test)
        doc.addSite(":8080", "")
        doc.addRoute("site0", "static_response")
        const handler = "apps.http.servers.site0.routes[1].handle[0]"
        const editor = createTemporaryObject(routeEditorComponent, test, { document: doc, routePath: "apps.http.servers.site0.routes[1]" })
        const preset = findChild(editor, "redirectPreset")
        verify(!preset.checked)
        verify(findChild(editor, "field:" + handler + ".body").visible)
        mouseClick(preset)
        compare(doc.value(handler + ".status_code"), 302)
        verify(doc.textAt(handler + ".headers.Location") !== "")
        verify(preset.checked)
        verify(findChild(editor, "field:" + handler + ".headers.Location[0]").visible)
        mouseClick(preset)
        compare(doc.textAt(handler + ".headers.Location"), "")
        compare(doc.value(handler + ".status_code"), 200)
        verify(!preset.checked)
        doc.undo() // the switch follows the document
        verify(preset.checked)
        editor.destroy()
        wait(0)
    }

    Component { id: statCardComponent; StatCard { width: 200 } }
    Component { id: countryModelComponent; CountryModel {} }
    Component { id: countryTableComponent; CountryTable { width: 400; height: 300 } }

    function test_stat_card_shows_its_value() {
        const card = createTemporaryObject(statCardComponent, test, { title: "Requests/s", value: "144.5" })
        compare(findChild(card, "value").text, "144.5")
        card.value = "150.0"
        compare(findChild(card, "value").text, "150.0")
    }

    // A click on a column header sorts by it; a second click on the same header turns the order round.
    function test_country_table_sorts_by_the_clicked_column() {
        const model = createTemporaryObject(countryModelComponent, test)
        const table = createTemporaryObject(countryTableComponent, test, { model: model })
        const header = findChild(table, "column_code")
        verify(header)
        mouseClick(header)
        compare(model.sortRole, "code")
        const first = model.ascending
        mouseClick(header)
        compare(model.sortRole, "code")
        compare(model.ascending, !first)
        verify(header.text.indexOf(model.ascending ? "▲" : "▼") >= 0)
        mouseClick(findChild(table, "column_requests"))
        compare(model.sortRole, "requests")
    }

    Component { id: signalSpyComponent; SignalSpy {} }
}
