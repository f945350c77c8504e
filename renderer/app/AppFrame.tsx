import type { ReactNode } from 'react';
import { AppBar, Box, Drawer, IconButton, List, ListItem, ListItemButton, ListItemIcon, ListItemText, Toolbar, Tooltip, Typography } from '@mui/material';
import CloudSyncOutlined from '@mui/icons-material/CloudSyncOutlined';
import DarkModeOutlined from '@mui/icons-material/DarkModeOutlined';
import FactCheckOutlined from '@mui/icons-material/FactCheckOutlined';
import InfoOutlined from '@mui/icons-material/InfoOutlined';
import LightModeOutlined from '@mui/icons-material/LightModeOutlined';
import LinkOutlined from '@mui/icons-material/LinkOutlined';
import SettingsOutlined from '@mui/icons-material/SettingsOutlined';
import ArchiveOutlined from '@mui/icons-material/ArchiveOutlined';
import MenuOpenOutlined from '@mui/icons-material/MenuOpenOutlined';
import MenuOutlined from '@mui/icons-material/MenuOutlined';
import { ConnectScreen } from '../connect/ConnectScreen';
import { ExportsScreen } from '../exports/ExportsScreen';
import { RecordsScreen } from '../records/RecordsScreen';
import { ReviewScreen } from '../review/ReviewScreen';
import { SettingsScreen } from '../settings/SettingsScreen';
import { useSettings } from '../settings/SettingsContext';
import { AboutDialog } from './AboutDialog';
import { ReconnectBanner } from '../connect/ReconnectBanner';
import { EmptyCacheGuide } from './EmptyCacheGuide';
import { ErrorBoundary } from './ErrorBoundary';
import { screens, useScreen, type ScreenId } from './navigation';
import { useSidebarCollapsed } from './sidebar';

const DRAWER_WIDTH = 200;
/** Icons only: the screen gets the room. */
const COLLAPSED_WIDTH = 56;

const icons: Record<ScreenId, ReactNode> = {
  connect: <LinkOutlined />,
  records: <CloudSyncOutlined />,
  review: <FactCheckOutlined />,
  exports: <ArchiveOutlined />,
  settings: <SettingsOutlined />,
};

function ScreenContent({ screen }: { screen: ScreenId }) {
  switch (screen) {
    case 'connect':
      return <ConnectScreen />;
    case 'records':
      return <RecordsScreen />;
    case 'review':
      return <ReviewScreen />;
    case 'exports':
      return <ExportsScreen />;
    case 'settings':
      return <SettingsScreen />;
  }
}

export function AppFrame({ mode, about, onAboutChange }: { mode: 'light' | 'dark'; about: { open: boolean; licenses: boolean }; onAboutChange: (about: { open: boolean; licenses: boolean }) => void }) {
  const [screen, navigate] = useScreen();
  const { update } = useSettings();
  const current = screens.find((entry) => entry.id === screen);
  const [collapsed, toggleSidebar] = useSidebarCollapsed();
  const width = collapsed ? COLLAPSED_WIDTH : DRAWER_WIDTH;
  return (
    <Box sx={{ display: 'flex', height: '100vh' }}>
      <AppBar position="fixed" color="default" sx={{ zIndex: (theme) => theme.zIndex.drawer + 1, borderBottom: 1, borderColor: 'divider' }}>
        <Toolbar variant="dense">
          <Tooltip title={collapsed ? 'Expand the sidebar (show screen names)' : 'Collapse the sidebar to icons'}>
            <IconButton edge="start" aria-label={collapsed ? 'Expand sidebar' : 'Collapse sidebar'} aria-expanded={!collapsed} aria-controls="screens-sidebar" onClick={toggleSidebar} sx={{ mr: 1 }} data-testid="sidebar-toggle">
              {collapsed ? <MenuOutlined /> : <MenuOpenOutlined />}
            </IconButton>
          </Tooltip>
          <FactCheckOutlined color="primary" sx={{ mr: 1 }} />
          <Typography variant="h6" component="h1" sx={{ flexGrow: 1, fontSize: '1.05rem' }}>
            Timeline Auditor
          </Typography>
          <Tooltip title={mode === 'dark' ? 'Switch to light mode' : 'Switch to dark mode'}>
            <IconButton aria-label="Toggle light/dark mode" onClick={() => void update({ theme: mode === 'dark' ? 'light' : 'dark' })}>
              {mode === 'dark' ? <LightModeOutlined /> : <DarkModeOutlined />}
            </IconButton>
          </Tooltip>
          <Tooltip title="About Timeline Auditor">
            <IconButton aria-label="About" onClick={() => onAboutChange({ open: true, licenses: false })}>
              <InfoOutlined />
            </IconButton>
          </Tooltip>
        </Toolbar>
      </AppBar>
      <Drawer variant="permanent" id="screens-sidebar" data-collapsed={collapsed} sx={{ width, flexShrink: 0, transition: 'width 150ms', '& .MuiDrawer-paper': { width, boxSizing: 'border-box', overflowX: 'hidden', transition: 'width 150ms' } }}>
        <Toolbar variant="dense" />
        <nav aria-label="Screens">
          <List>
            {screens.map((entry) => (
              // Each button in its own <li>: a <ul> may hold only list items (axe 'list').
              <ListItem key={entry.id} disablePadding>
                <Tooltip describeChild title={collapsed ? `${entry.label} — ${entry.description}` : entry.description} placement="right">
                  <ListItemButton
                    selected={entry.id === screen}
                    onClick={() => navigate(entry.id)}
                    aria-current={entry.id === screen ? 'page' : undefined}
                    // Icons only: the name the text would give.
                    aria-label={collapsed ? entry.label : undefined}
                    sx={collapsed ? { px: 2, justifyContent: 'center' } : undefined}
                  >
                    <ListItemIcon sx={{ minWidth: collapsed ? 0 : 36 }}>{icons[entry.id]}</ListItemIcon>
                    {!collapsed && <ListItemText primary={entry.label} />}
                  </ListItemButton>
                </Tooltip>
              </ListItem>
            ))}
          </List>
        </nav>
      </Drawer>
      <Box component="main" sx={{ flexGrow: 1, minWidth: 0, overflow: 'auto' }}>
        <Toolbar variant="dense" />
        {screen !== 'connect' && <ReconnectBanner onReconnect={() => navigate('connect')} />}
        {screen === 'review' && <EmptyCacheGuide />}
        <ErrorBoundary key={screen} area={current?.label ?? screen}>
          <ScreenContent screen={screen} />
        </ErrorBoundary>
      </Box>
      <AboutDialog open={about.open} showLicenses={about.licenses} onClose={() => onAboutChange({ open: false, licenses: false })} />
    </Box>
  );
}
