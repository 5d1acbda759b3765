import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { router } from './router'
import { reportError } from './ui'
import './style.css'

const app = createApp(App)
app.use(createPinia())
app.use(router)
app.config.errorHandler = (err) => reportError(err)
window.addEventListener('unhandledrejection', (ev) => {
  ev.preventDefault()
  reportError(ev.reason)
})
app.mount('#app')
