import "./styles.css";

import { render } from "preact";

import { App } from "./App";

render(<App />, document.getElementById("app") ?? document.body);
