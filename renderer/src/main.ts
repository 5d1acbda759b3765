import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { router } from './router'
import { reportError } from './ui'
import { bootLoads } from './stores/boot'
import './style.css'

const app = createApp(App)
app.use(createPinia())
app.use(router)
// the status and the connections are asked for now: their answers arrive while the shell mounts
void bootLoads()
app.config.errorHandler = (err) => reportError(err)
window.addEventListener('unhandledrejection', (ev) => {
  ev.preventDefault()
  reportError(ev.reason)
})
app.mount('#app')
