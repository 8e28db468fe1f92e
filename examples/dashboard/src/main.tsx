/** The dashboard's entry: the styles and the app, rendered into index.html's #app. */
import "./style.css"
import { render } from "preact"
import { App } from "./app.js"

render(<App />, document.getElementById("app")!)
